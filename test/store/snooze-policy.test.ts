import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OVERRIDE_REASON_SYSTEM } from '../../src/hooks/cards/render.js';
import { NEVER_SNOOZED_RULES, SNOOZING_REASONS, snoozeReason } from '../../src/hooks/snooze-policy.js';
import { projectPath } from '../../src/paths.js';

/** Which overrides snooze a card (alert-fatigue control), checked against the reasons our cards really offer. */

/** rule id → override reason codes, from cards/*.md front matter. */
function offeredReasons(): Map<string, string[]> {
  const byRule = new Map<string, string[]>();
  for (const file of readdirSync(projectPath('cards')).filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(projectPath('cards', file), 'utf8');
    const front = text.split(/^---$/m)[1] ?? '';
    const block = /^overrideReasons:\n((?:\s+.*\n)+)/m.exec(front)?.[1] ?? '';
    byRule.set(
      file.replace(/\.md$/, ''),
      [...block.matchAll(/- code: ([\w-]+)/g)].map((m) => m[1]!),
    );
  }
  return byRule;
}

const override = (code: string, system: string | undefined = OVERRIDE_REASON_SYSTEM) => ({
  card: 'c',
  outcome: 'overridden' as const,
  overrideReason: { reason: { code, ...(system ? { system } : {}) } },
  outcomeTimestamp: '2026-11-23T10:00:00Z',
});

describe('snooze policy', () => {
  const reasons = offeredReasons();

  it('every snoozing reason is offered by some card, and some card offers each of them with a snoozable rule', () => {
    const offered = new Set([...reasons.values()].flat());
    for (const code of SNOOZING_REASONS) expect(offered, code).toContain(code);
    const snoozable = [...reasons].filter(([rule, codes]) => !NEVER_SNOOZED_RULES.has(rule) && codes.some((c) => SNOOZING_REASONS.has(c)));
    expect(snoozable.length).toBeGreaterThanOrEqual(5);
  });

  it('the never-snoozed rules are real rules with override reasons', () => {
    for (const rule of NEVER_SNOOZED_RULES) expect(reasons.get(rule)?.length, rule).toBeGreaterThan(0);
  });

  it('snoozes an info/warning override with a snoozing reason of our system (or none named)', () => {
    expect(snoozeReason({ rule_id: 'stop-adt-small-cell', indicator: 'warning' }, override('tumour-board-decision'))).toBe('tumour-board-decision');
    expect(snoozeReason({ rule_id: 'psa-unreliable-nepc', indicator: 'info' }, override('patient-declines', undefined))).toBe('patient-declines');
  });

  it('never snoozes: a critical card, an order-time safety check, a data reason, another system, no reason, acceptance', () => {
    expect(snoozeReason({ rule_id: 'radium-223-visceral', indicator: 'critical' }, override('tumour-board-decision'))).toBeUndefined();
    expect(snoozeReason({ rule_id: 'pre-cycle-labs', indicator: 'warning' }, override('managed-by-oncologist'))).toBeUndefined();
    expect(snoozeReason({ rule_id: 'radium-223-visceral', indicator: 'warning' }, override('metastasis-record-outdated'))).toBeUndefined();
    expect(
      snoozeReason({ rule_id: 'stop-adt-small-cell', indicator: 'warning' }, override('tumour-board-decision', 'http://example.org/other')),
    ).toBeUndefined();
    expect(
      snoozeReason({ rule_id: 'stop-adt-small-cell', indicator: 'warning' }, { card: 'c', outcome: 'overridden', outcomeTimestamp: '2026-11-23T10:00:00Z' }),
    ).toBeUndefined();
    expect(
      snoozeReason(
        { rule_id: 'stop-adt-small-cell', indicator: 'warning' },
        { card: 'c', outcome: 'accepted', acceptedSuggestions: [{ id: 's' }], outcomeTimestamp: '2026-11-23T10:00:00Z' },
      ),
    ).toBeUndefined();
  });
});
