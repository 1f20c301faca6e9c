import type { FastifyBaseLogger } from 'fastify';
import type { Store } from '../store/store.js';
import type { Card } from './cards/render.js';
import { NEVER_SNOOZED_RULES } from './snooze-policy.js';

export interface AnsweredCall {
  serviceId: string;
  hookInstance: string;
  patientId: string;
  /** The clinical clock's now: snoozes are measured on it. */
  now: Date;
  /** How long the store may take before the cards are answered without it (what is left of the hook deadline). */
  budgetMs: number;
}

class StoreTooSlow extends Error {
  override name = 'StoreTooSlow';
}

/** `work`, or StoreTooSlow after `ms` (the work goes on; its late failure is swallowed, it was already reported). */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new StoreTooSlow(`the card store did not answer within ${ms} ms`)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** A critical card always shows; so does every card of a call whose rules cannot be snoozed. */
const snoozable = (card: Card) => card.indicator !== 'critical' && !NEVER_SNOOZED_RULES.has(card.source.topic.code);

/**
 * Drops the info/warning cards whose rule is snoozed for this patient, then records the cards returned (queued, so
 * feedback can be matched to them). A snooze lookup that fails or is too slow for the hook deadline does not fail
 * the call: the cards are answered unfiltered (advice matters more than fatigue control), and the failure is logged.
 */
export async function filterAndRecord(store: Store, log: FastifyBaseLogger, call: AnsweredCall, cards: Card[]): Promise<{ cards: Card[]; snoozed: string[] }> {
  let shown = cards;
  let snoozed: string[] = [];
  if (cards.some(snoozable)) {
    try {
      const rules = await within(store.snoozedRules(call.patientId, call.now), call.budgetMs);
      if (rules.size > 0) {
        shown = cards.filter((c) => !snoozable(c) || !rules.has(c.source.topic.code));
        snoozed = cards.filter((c) => !shown.includes(c)).map((c) => c.source.topic.code);
      }
    } catch (err) {
      log.error(
        { failure: { type: (err as Error | undefined)?.name, message: (err as Error | undefined)?.message } },
        'card store unavailable: cards answered without it (snoozes not applied)',
      );
    }
  }
  store.recordShown({
    serviceId: call.serviceId,
    hookInstance: call.hookInstance,
    patientId: call.patientId,
    at: call.now,
    cards: shown.map((c) => ({ uuid: c.uuid, ruleId: c.source.topic.code, indicator: c.indicator })),
  });
  return { cards: shown, snoozed };
}
