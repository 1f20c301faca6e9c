import type { FastifyBaseLogger } from 'fastify';
import type { Store } from '../store/store.js';
import type { Card } from './cards/render.js';

export interface AnsweredCall {
  serviceId: string;
  hookInstance: string;
  patientId: string;
  /** The clinical clock's now: snoozes are measured on it. */
  now: Date;
}

/**
 * Drops the info/warning cards whose rule is snoozed for this patient, then records the cards returned (so feedback
 * can be matched to them). A database that fails does not fail the call: the cards are answered unfiltered and
 * unrecorded (advice matters more than fatigue control), and the failure is logged.
 */
export async function filterAndRecord(store: Store, log: FastifyBaseLogger, call: AnsweredCall, cards: Card[]): Promise<{ cards: Card[]; snoozed: string[] }> {
  let shown = cards;
  let snoozed: string[] = [];
  try {
    const rules = await store.snoozedRules(call.patientId, call.now);
    if (rules.size > 0) {
      shown = cards.filter((c) => c.indicator === 'critical' || !rules.has(c.source.topic.code));
      snoozed = cards.filter((c) => !shown.includes(c)).map((c) => c.source.topic.code);
    }
    await store.recordShown({
      serviceId: call.serviceId,
      hookInstance: call.hookInstance,
      patientId: call.patientId,
      at: call.now,
      cards: shown.map((c) => ({ uuid: c.uuid, ruleId: c.source.topic.code, indicator: c.indicator })),
    });
  } catch (err) {
    log.error({ err: { type: (err as Error | undefined)?.name, message: (err as Error | undefined)?.message } }, 'card store unavailable: cards answered unfiltered and unrecorded');
    return { cards, snoozed: [] };
  }
  return { cards: shown, snoozed };
}
