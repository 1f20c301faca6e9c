import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { down as down0001, up as up0001 } from './0001-cards-feedback-snoozes-jti.js';

/**
 * Every migration, listed here rather than found by scanning a folder, so they run the same from tsx (src/*.ts)
 * and from the compiled build (dist/*.js). Add a new one at the end; never edit one that has shipped.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001-cards-feedback-snoozes-jti': { up: up0001, down: down0001 },
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Brings the schema up to date (idempotent; concurrent starts are serialised by Kysely's migration lock).
 * @throws the failing migration's error, with its name
 */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '(unknown)';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`, { cause: error });
  }
}
