import type { Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { ShownCard } from './cards.js';

/** One feedback item as CDS Hooks 2.0 sends it (validated by the route). */
export interface FeedbackItem {
  card: string;
  outcome: 'accepted' | 'overridden';
  acceptedSuggestions?: { id: string }[];
  overrideReason?: { reason?: { system?: string; code: string }; userComment?: string };
  outcomeTimestamp: string;
}

/**
 * Stores one item against its card. The same card, outcome and outcome time already stored is a duplicate: nothing
 * is added (feedback is idempotent).
 * @returns true when a new row was stored
 */
export async function insertFeedback(tx: Transaction<Database>, card: ShownCard, item: FeedbackItem, receivedAt: Date): Promise<boolean> {
  const reason = item.overrideReason?.reason;
  const inserted = await tx
    .insertInto('feedback')
    .values({
      card_uuid: card.uuid,
      outcome: item.outcome,
      outcome_at: new Date(item.outcomeTimestamp),
      accepted_suggestions: item.acceptedSuggestions?.length ? JSON.stringify(item.acceptedSuggestions.map((s) => s.id)) : null,
      override_reason_system: reason?.system ?? null,
      override_reason_code: reason?.code ?? null,
      user_comment: item.overrideReason?.userComment ?? null,
      received_at: receivedAt,
    })
    .onConflict((oc) => oc.constraint('feedback_once').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}
