import { describe, expect, it } from 'vitest';
import { ABIRATERONE_STEROIDS } from '../../src/engine/drugs.js';
import type { Recommendation, Rule } from '../../src/engine/recommendation.js';
import { radium223Visceral } from '../../src/engine/rules/radium-223-visceral.js';
import { runRules } from '../../src/engine/run.js';
import { ctx, picture, prostateCancer } from './builders.js';
import { med, medDraft, metastasis } from './rules/nepc-builders.js';

/** Ties in the runner's ordering keep the registry's order; each abiraterone glucocorticoid is cited beside radium-223. */

function rule(id: string, indicator: Recommendation['indicator'], priority = 0): Rule {
  return {
    id,
    hooks: ['patient-view'],
    priority,
    placeholders: [],
    evaluate: () => ({ ruleId: id, indicator, variant: 'v', values: {}, facts: [], suggestions: [] }),
  };
}

describe('runRules ties', () => {
  it('same indicator and priority → registry order, for any number of rules', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `r${i}`);
    expect(
      runRules(
        ids.map((id) => rule(id, 'info')),
        picture(),
        ctx(),
      ).map((r) => r.ruleId),
    ).toEqual(ids);
  });

  it('same indicator, different priorities → higher priority first, ties in registry order', () => {
    const rules = [rule('low', 'warning', 1), rule('high-a', 'warning', 5), rule('high-b', 'warning', 5)];
    expect(runRules(rules, picture(), ctx()).map((r) => r.ruleId)).toEqual(['high-a', 'high-b', 'low']);
  });

  it('a registry that grew after a first call is planned again', () => {
    const registry = [rule('a', 'info')];
    expect(runRules(registry, picture(), ctx())).toHaveLength(1);
    registry.push(rule('b', 'info'));
    expect(runRules(registry, picture(), ctx()).map((r) => r.ruleId)).toEqual(['a', 'b']);
  });
});

describe('abiraterone glucocorticoids', () => {
  it.each([...ABIRATERONE_STEROIDS])('%s given with abiraterone is cited beside radium-223', (steroid) => {
    const p = picture({
      cancers: [prostateCancer()],
      metastases: [metastasis('liver')],
      therapies: [med('abiraterone'), med('prednisone', { drug: steroid, asRecorded: `${steroid} 5 mg` })],
      draftOrders: [medDraft('radium-223')],
    });
    expect(radium223Visceral.evaluate(p, ctx('order-sign'))?.facts).toContainEqual(
      expect.objectContaining({ label: 'Current glucocorticoid', value: `${steroid} 5 mg` }),
    );
  });

  it('the list holds the four glucocorticoids given with abiraterone', () => {
    expect([...ABIRATERONE_STEROIDS].sort()).toEqual(['dexamethasone', 'methylprednisolone', 'prednisolone', 'prednisone']);
  });
});
