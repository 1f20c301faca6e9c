import type { FastifyBaseLogger } from 'fastify';
import { StoreUnavailable, UnknownCard } from '../errors.js';
import type { FeedbackItem } from '../store/feedback.js';
import type { FeedbackOutcome, Store } from '../store/store.js';
import { snoozeReason } from './snooze-policy.js';

/**
 * Stores a feedback batch against the cards this service returned. All or nothing: a card the service never
 * returned (or no longer knows) answers 404 naming it, and nothing of the batch is stored. A repeat of stored
 * feedback (same card, outcome and time) is accepted and not stored twice.
 * @throws UnknownCard, StoreUnavailable
 */
export async function storeFeedback(store: Store, log: FastifyBaseLogger, serviceId: string, items: readonly FeedbackItem[], receivedAt: Date) {
  let outcome: FeedbackOutcome;
  try {
    outcome = await store.recordFeedback(serviceId, items, receivedAt, snoozeReason);
  } catch (err) {
    log.error({ err: { type: (err as Error | undefined)?.name, message: (err as Error | undefined)?.message } }, 'feedback could not be stored');
    throw new StoreUnavailable('Feedback could not be stored (the database cannot be reached); send it again later');
  }
  if ('unknownCards' in outcome) {
    throw new UnknownCard(
      `Feedback names ${outcome.unknownCards.length === 1 ? 'a card' : `${outcome.unknownCards.length} cards`} that service "${serviceId}" did not return; nothing of this batch was stored`,
      outcome.unknownCards.slice(0, 20).map((uuid) => `card ${JSON.stringify(uuid.slice(0, 80))}: unknown`),
    );
  }
  return outcome;
}
