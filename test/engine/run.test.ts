import { describe, expect, it } from 'vitest';
import type { Recommendation, Rule } from '../../src/engine/recommendation.js';
import { runRules } from '../../src/engine/run.js';
import { ctx, picture } from './builders.js';

function rule(id: string, indicator: Recommendation['indicator'], priority = 0, hooks: Rule['hooks'] = ['patient-view']): Rule {
  return {
    id,
    hooks,
    priority,
    placeholders: [],
    evaluate: () => ({ ruleId: id, indicator, variant: 'v', values: {}, facts: [], suggestions: [] }),
  };
}

describe('runRules', () => {
  it('orders critical → warning → info, then by priority', () => {
    const out = runRules([rule('a', 'info', 5), rule('b', 'critical', 0), rule('c', 'warning', 1), rule('d', 'warning', 9)], picture(), ctx());
    expect(out.map((r) => r.ruleId)).toEqual(['b', 'd', 'c', 'a']);
  });

  it('runs only the rules of the hook called', () => {
    const out = runRules([rule('pv', 'info'), rule('os', 'info', 0, ['order-select'])], picture(), ctx('order-select'));
    expect(out.map((r) => r.ruleId)).toEqual(['os']);
  });

  it('gives at most one card per rule even if a rule is registered twice', () => {
    const r = rule('dup', 'info');
    expect(runRules([r, r], picture(), ctx())).toHaveLength(1);
  });

  it('skips rules that return null', () => {
    const silent: Rule = { ...rule('silent', 'info'), evaluate: () => null };
    expect(runRules([silent, rule('x', 'info')], picture(), ctx()).map((r) => r.ruleId)).toEqual(['x']);
  });
});
