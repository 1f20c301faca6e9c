import type { Generated } from 'kysely';

/**
 * The tables of the card and feedback store, as Kysely sees them. One schema for PGlite and PostgreSQL, created by
 * the migrations in `migrations/`. Nothing here identifies a patient: patients appear only as a salted hash.
 */

export interface CardsTable {
  uuid: string;
  service_id: string;
  /** `source.topic.code` of the card: a rule id, or `data-unavailable`. */
  rule_id: string;
  indicator: 'info' | 'warning' | 'critical';
  hook_instance: string;
  patient_hash: string;
  shown_at: Date;
}

interface FeedbackTable {
  id: Generated<number>;
  card_uuid: string;
  outcome: 'accepted' | 'overridden';
  outcome_at: Date;
  /** JSON array of the accepted suggestions' uuids (accepted only). */
  accepted_suggestions: string | null;
  override_reason_system: string | null;
  override_reason_code: string | null;
  user_comment: string | null;
  received_at: Date;
}

interface SnoozesTable {
  patient_hash: string;
  rule_id: string;
  snoozed_at: Date;
  card_uuid: string;
  reason_code: string;
}

interface JtiSeenTable {
  iss: string;
  jti: string;
  /** After this the token is refused as expired anyway, so the row may go. */
  expires_at: Date;
}

export interface Database {
  cards: CardsTable;
  feedback: FeedbackTable;
  snoozes: SnoozesTable;
  jti_seen: JtiSeenTable;
}
