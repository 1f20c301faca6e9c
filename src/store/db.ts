import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { StoreConfig } from '../config.js';
import { IN_MEMORY, openPglite } from './pglite.js';
import type { Database } from './schema.js';

export type StoreDb = Kysely<Database>;

/** How long a PostgreSQL connection attempt may take before readiness and requests fail instead of hanging. */
const CONNECT_TIMEOUT_MS = 3000;

/**
 * Opens the database the configuration names: PostgreSQL over `pg` when `databaseUrl` is set, else the embedded
 * PGlite in `databaseDir` (created if missing; in memory when unset). Same SQL either way. The caller owns the handle (`destroy()`).
 */
export function openDatabase(config: Pick<StoreConfig, 'databaseUrl' | 'databaseDir'>): StoreDb {
  if (config.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // A hung query must not hold a hook call: statements are bounded server-side too.
      statement_timeout: 5000,
      allowExitOnIdle: true,
    });
    // An idle client that loses its server emits 'error' on the pool; without a listener that would end the process.
    pool.on('error', () => undefined);
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  return new Kysely<Database>({ dialect: new PGliteDialect(openPglite(config.databaseDir ?? IN_MEMORY)) });
}

/** Where the data lives, for the start-up log: never the URL itself (it may carry a password). */
export function describeDatabase(config: Pick<StoreConfig, 'databaseUrl' | 'databaseDir'>): string {
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    return `postgresql://${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  }
  const dir = config.databaseDir ?? IN_MEMORY;
  return dir.startsWith(IN_MEMORY) ? 'pglite (in memory)' : `pglite ${dir}`;
}

/** One round trip: resolves when the database answers. */
export async function ping(db: StoreDb): Promise<void> {
  await sql`select 1`.execute(db);
}
