import { sql } from 'kysely';
import type { StoreDb } from './db.js';
import type { CardsTable } from './schema.js';

/** One card as it was returned: who asked (hook instance, hashed patient), which rule, when. No card text. */
export type ShownCard = CardsTable;

/**
 * Records a batch of cards (a re-sent uuid is kept as first recorded). The batch travels as one JSON parameter: the
 * statement is the same whatever the batch size, and the driver does not escape every value of every row.
 */
export async function recordCards(db: StoreDb, cards: readonly ShownCard[]): Promise<void> {
  if (cards.length === 0) return;
  await sql`insert into cards (uuid, service_id, rule_id, indicator, hook_instance, patient_hash, shown_at)
    select uuid, service_id, rule_id, indicator, hook_instance, patient_hash, shown_at
    from json_to_recordset(${JSON.stringify(cards)}::json)
      as r(uuid text, service_id text, rule_id text, indicator text, hook_instance text, patient_hash text, shown_at timestamptz)
    on conflict (uuid) do nothing`.execute(db);
}

/**
 * The recorded cards among `uuids` that the service `serviceId` returned.
 * @returns by uuid; a uuid missing from the map is unknown to that service
 */
export async function findCards(db: StoreDb, serviceId: string, uuids: readonly string[]): Promise<Map<string, ShownCard>> {
  if (uuids.length === 0) return new Map();
  const rows = await db
    .selectFrom('cards')
    .selectAll()
    .where('service_id', '=', serviceId)
    .where('uuid', 'in', [...new Set(uuids)])
    .execute();
  return new Map(rows.map((row) => [row.uuid, row]));
}
