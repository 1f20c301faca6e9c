import { sql, type Transaction } from 'kysely';
import type { StoreDb } from './db.js';
import type { Database } from './schema.js';
import { SNOOZE_CHANNEL, snoozeNotification } from './snooze-mirror.js';

const DAY_MS = 86_400_000;

/**
 * Hides a rule's cards for a patient from `at` on. A later snooze of the same pair restarts the period; an older
 * one (feedback arriving out of order) does not shorten it. Other instances hear of it on commit (NOTIFY).
 */
export async function snooze(tx: Transaction<Database>, row: Database['snoozes']): Promise<void> {
  await tx
    .insertInto('snoozes')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['patient_hash', 'rule_id'])
        .doUpdateSet({
          snoozed_at: (eb) => eb.ref('excluded.snoozed_at'),
          card_uuid: (eb) => eb.ref('excluded.card_uuid'),
          reason_code: (eb) => eb.ref('excluded.reason_code'),
        })
        .where('snoozes.snoozed_at', '<', (eb) => eb.ref('excluded.snoozed_at')),
    )
    .execute();
  await sql`select pg_notify(${SNOOZE_CHANNEL}, ${snoozeNotification(row)})`.execute(tx);
}

/**
 * The rules snoozed for this patient at `now`: snoozed within the last `days` days (and not in the future of the
 * clinical clock).
 */
export async function snoozedRules(db: StoreDb, patientHash: string, now: Date, days: number): Promise<Set<string>> {
  if (days <= 0) return new Set();
  const rows = await db
    .selectFrom('snoozes')
    .select('rule_id')
    .where('patient_hash', '=', patientHash)
    .where('snoozed_at', '>', new Date(now.getTime() - days * DAY_MS))
    .where('snoozed_at', '<=', now)
    .execute();
  return new Set(rows.map((r) => r.rule_id));
}
