import type { FastifyBaseLogger } from 'fastify';
import { BadRequest, StoreUnavailable, UnknownCard } from '../errors.js';
import type { FeedbackItem } from '../store/feedback.js';
import type { FeedbackOutcome, Store } from '../store/store.js';
import { snoozeReason } from './snooze-policy.js';

/** A clinician acts on a handful of cards at a time; a larger batch is not an EHR's. */
const MAX_FEEDBACK_ITEMS = 500;

/**
 * Stores a feedback batch against the cards this service returned. All or nothing: a card the service never
 * returned (or no longer knows) answers 404 naming it, and nothing of the batch is stored. A repeat of stored
 * feedback (same card, outcome and time) is accepted and not stored twice.
 * @throws BadRequest (more than MAX_FEEDBACK_ITEMS), UnknownCard, StoreUnavailable
 */
export async function storeFeedback(store: Store, log: FastifyBaseLogger, serviceId: string, items: readonly FeedbackItem[], receivedAt: Date) {
  if (items.length > MAX_FEEDBACK_ITEMS) {
    throw new BadRequest(`Too much feedback in one request: at most ${MAX_FEEDBACK_ITEMS} items, got ${items.length}`, [
      `feedback: at most ${MAX_FEEDBACK_ITEMS} items`,
    ]);
  }
  let outcome: FeedbackOutcome;
  try {
    outcome = await store.recordFeedback(serviceId, items, receivedAt, snoozeReason);
  } catch (err) {
    log.error({ failure: { type: (err as Error | undefined)?.name, message: (err as Error | undefined)?.message } }, 'feedback could not be stored');
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
