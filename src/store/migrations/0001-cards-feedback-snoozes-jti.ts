import { sql, type Kysely } from 'kysely';

/** Cards shown, feedback on them, snoozed (patient, rule) pairs, and used JWT ids. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration must not depend on today's schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cards')
    .addColumn('uuid', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('indicator', 'text', (c) => c.notNull().check(sql`indicator in ('info', 'warning', 'critical')`))
    .addColumn('hook_instance', 'text', (c) => c.notNull())
    .addColumn('patient_hash', 'text', (c) => c.notNull())
    .addColumn('shown_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cards_rule_id').on('cards').column('rule_id').execute();

  await db.schema
    .createTable('feedback')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('card_uuid', 'text', (c) => c.notNull().references('cards.uuid').onDelete('cascade'))
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('accepted', 'overridden')`))
    .addColumn('outcome_at', 'timestamptz', (c) => c.notNull())
    .addColumn('accepted_suggestions', 'text')
    .addColumn('override_reason_system', 'text')
    .addColumn('override_reason_code', 'text')
    .addColumn('user_comment', 'text')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    // The same card, outcome and time sent twice is one event (CDS Hooks: feedback should be idempotent).
    .addUniqueConstraint('feedback_once', ['card_uuid', 'outcome', 'outcome_at'])
    .execute();

  await db.schema
    .createTable('snoozes')
    .addColumn('patient_hash', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('snoozed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('card_uuid', 'text', (c) => c.notNull().references('cards.uuid').onDelete('cascade'))
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('snoozes_pk', ['patient_hash', 'rule_id'])
    .execute();

  await db.schema
    .createTable('jti_seen')
    .addColumn('iss', 'text', (c) => c.notNull())
    .addColumn('jti', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('jti_seen_pk', ['iss', 'jti'])
    .execute();
  await db.schema.createIndex('jti_seen_expires_at').on('jti_seen').column('expires_at').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['jti_seen', 'snoozes', 'feedback', 'cards']) await db.schema.dropTable(table).execute();
}
