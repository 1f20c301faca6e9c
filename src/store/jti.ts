import { sql } from 'kysely';
import type { StoreDb } from './db.js';

/**
 * Used JWT ids in the database, shared by every instance of the service: a token replayed to another instance
 * is refused there too.
 */

/**
 * Records `iss`+`jti` as used until `liveUntil` in one statement: a new pair, or one whose earlier use has expired,
 * is (re)recorded; a live one is a replay.
 * @returns `recorded`, or `replay` when the pair is already live
 */
export async function recordJti(db: StoreDb, iss: string, jti: string, liveUntil: Date, now: Date): Promise<'recorded' | 'replay'> {
  const row = await db
    .insertInto('jti_seen')
    .values({ iss, jti, expires_at: liveUntil })
    .onConflict((oc) =>
      oc
        .columns(['iss', 'jti'])
        .doUpdateSet({ expires_at: (eb) => eb.ref('excluded.expires_at') })
        .where('jti_seen.expires_at', '<', now),
    )
    .returning(sql<number>`1`.as('recorded'))
    .executeTakeFirst();
  return row ? 'recorded' : 'replay';
}

/** Deletes the ids whose tokens have expired. @returns how many were deleted */
export async function pruneJtis(db: StoreDb, now: Date): Promise<number> {
  const result = await db.deleteFrom('jti_seen').where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
