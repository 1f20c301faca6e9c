import { describe, expect, it } from 'vitest';
import type { Card } from '../../src/hooks/cards/render.js';
import { filterAndRecord } from '../../src/hooks/card-log.js';
import type { Store } from '../../src/store/store.js';
import { captureLogger } from '../helpers/service.js';

/**
 * The hook route's use of the store: which cards a snooze may hide, what is recorded, and a snooze lookup that
 * hangs. (The working database is covered over HTTP by the snooze and feedback integration tests.)
 */

const card = (rule: string, indicator: Card['indicator']): Card => ({
  uuid: `u-${rule}`,
  summary: rule,
  indicator,
  source: { label: 'x', topic: { system: 'urn:nec-cds:rule', code: rule } },
});
const call = { serviceId: 'nec-patient-view', hookInstance: 'h', patientId: 'p', now: new Date('2026-11-23T09:00:00Z'), budgetMs: 50 };
const never = new Promise<never>(() => undefined);

/** A store whose hook-path methods do what the test says, recording what it was asked; the rest is never called here. */
function storeWith(snoozedRules: Store['snoozedRules']) {
  const recorded: Parameters<Store['recordShown']>[0][] = [];
  const asked: string[] = [];
  const unused = () => Promise.reject(new Error('not on the hook path'));
  const store: Store = {
    snoozedRules: (patientId, now) => {
      asked.push(patientId);
      return snoozedRules(patientId, now);
    },
    recordShown: (shown) => void recorded.push(shown),
    flush: unused,
    recordFeedback: unused,
    ruleAnalytics: unused,
    recordJti: unused,
    ping: unused,
    close: unused,
  };
  return { store, recorded, asked };
}

describe('filterAndRecord', () => {
  it('hides the snoozed info/warning cards, never a critical one or an order-time safety check, and records what is shown', async () => {
    const cards = [card('stop-adt-small-cell', 'warning'), card('radium-223-visceral', 'critical'), card('chemo-dose-check', 'warning')];
    const { store, recorded } = storeWith(() => Promise.resolve(new Set(['stop-adt-small-cell', 'radium-223-visceral', 'chemo-dose-check'])));
    const result = await filterAndRecord(store, captureLogger([]), call, cards);
    expect(result).toEqual({ cards: [cards[1], cards[2]], snoozed: ['stop-adt-small-cell'] });
    expect(recorded).toEqual([
      {
        serviceId: 'nec-patient-view',
        hookInstance: 'h',
        patientId: 'p',
        at: call.now,
        cards: [
          { uuid: 'u-radium-223-visceral', ruleId: 'radium-223-visceral', indicator: 'critical' },
          { uuid: 'u-chemo-dose-check', ruleId: 'chemo-dose-check', indicator: 'warning' },
        ],
      },
    ]);
  });

  it('does not look up snoozes when no card of the call can be snoozed', async () => {
    const cards = [card('radium-223-visceral', 'critical'), card('pre-cycle-labs', 'warning')];
    const { store, asked, recorded } = storeWith(() => Promise.reject(new Error('must not be asked')));
    expect(await filterAndRecord(store, captureLogger([]), call, cards)).toEqual({ cards, snoozed: [] });
    expect(asked).toEqual([]);
    expect(recorded[0]?.cards.map((c) => c.ruleId)).toEqual(['radium-223-visceral', 'pre-cycle-labs']);
  });

  it('a snooze lookup that hangs past the budget: every card is answered and recorded, the failure logged', async () => {
    const cards = [card('stop-adt-small-cell', 'warning'), card('radium-223-visceral', 'critical')];
    const lines: string[] = [];
    const { store, recorded } = storeWith(() => never);
    expect(await filterAndRecord(store, captureLogger(lines), call, cards)).toEqual({ cards, snoozed: [] });
    expect(lines.join('\n')).toMatch(/StoreTooSlow.*card store unavailable/);
    expect(recorded[0]?.cards).toHaveLength(2);
  });
});
