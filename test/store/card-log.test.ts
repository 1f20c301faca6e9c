import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Card } from '../../src/hooks/cards/render.js';
import { filterAndRecord } from '../../src/hooks/card-log.js';
import type { Store } from '../../src/store/store.js';
import { captureLogger } from '../helpers/service.js';

/**
 * The hook route's use of the store when the database misbehaves: the cards are answered anyway. (The working
 * database is covered over HTTP by the snooze and feedback integration tests.)
 */

const card = (rule: string, indicator: Card['indicator']): Card => ({
  uuid: `u-${rule}`,
  summary: rule,
  indicator,
  source: { label: 'x', topic: { system: 'urn:nec-cds:rule', code: rule } },
});
const cards = [card('stop-adt-small-cell', 'warning'), card('radium-223-visceral', 'critical')];
const call = { serviceId: 'nec-patient-view', hookInstance: 'h', patientId: 'p', now: new Date('2026-11-23T09:00:00Z'), budgetMs: 50 };
const never = new Promise<never>(() => undefined);

/** A store whose two hook-path methods do what the test says; the rest is never called on this path. */
function storeWith(snoozedRules: Store['snoozedRules'], recordShown: Store['recordShown']): Store {
  const unused = () => Promise.reject(new Error('not on the hook path'));
  return { snoozedRules, recordShown, recordFeedback: unused, ruleAnalytics: unused, recordJti: unused, ping: unused, close: unused };
}

describe('filterAndRecord when the database misbehaves', () => {
  it('a snooze lookup that hangs past the budget: every card is answered, the failure logged', async () => {
    const lines: string[] = [];
    const result = await filterAndRecord(
      storeWith(
        () => never,
        () => never,
      ),
      captureLogger(lines),
      call,
      cards,
    );
    expect(result).toEqual({ cards, snoozed: [] });
    expect(lines.join('\n')).toMatch(/StoreTooSlow.*card store unavailable/);
  });

  it('a recording that fails after the snoozes were read: the snoozes still apply', async () => {
    const result = await filterAndRecord(
      storeWith(
        () => Promise.resolve(new Set(['stop-adt-small-cell', 'radium-223-visceral'])),
        () => Promise.reject(new Error('connection lost')),
      ),
      pino({ level: 'silent' }),
      call,
      cards,
    );
    expect(result).toEqual({ cards: [cards[1]], snoozed: ['stop-adt-small-cell'] });
  });
});
