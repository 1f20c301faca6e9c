import type { StoreDb } from './db.js';
import type { CardsTable } from './schema.js';

/** One card as it was returned: who asked (hook instance, hashed patient), which rule, when. No card text. */
export type ShownCard = CardsTable;

/** Records the cards of one answer (a re-sent uuid is kept as first recorded). */
export async function recordCards(db: StoreDb, cards: readonly ShownCard[]): Promise<void> {
  if (cards.length === 0) return;
  await db
    .insertInto('cards')
    .values([...cards])
    .onConflict((oc) => oc.column('uuid').doNothing())
    .execute();
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
