import type { Logger } from 'pino';
import type { StoreConfig } from '../config.js';
import { describeDatabase, openDatabase, type StoreDb } from './db.js';
import { migrateToLatest } from './migrations/index.js';
import { randomSalt } from './patient-hash.js';
import { createStore, type Store } from './store.js';

/**
 * The store the service runs on: the configured database (or `shared`, one the caller owns and closes), brought up
 * to the latest schema.
 * @throws when the database cannot be reached or a migration fails: the service must not start without it
 */
export async function openStore(config: StoreConfig, log: Logger, shared?: StoreDb): Promise<Store> {
  const db = shared ?? openDatabase(config);
  try {
    await migrateToLatest(db);
  } catch (err) {
    if (!shared) await db.destroy().catch(() => undefined);
    throw err;
  }
  let salt = config.patientHashSalt;
  if (salt === undefined) {
    salt = randomSalt();
    log.warn(
      'PATIENT_HASH_SALT is not set: a random salt is used for this run, so snoozed cards show again after a restart and are not shared between instances',
    );
  }
  if (!shared) log.info({ database: describeDatabase(config) }, 'card and feedback store ready');
  return createStore(db, {
    patientHashSalt: salt,
    snoozeDays: config.snoozeDays,
    ownsDb: !shared,
    ...(config.databaseUrl && !shared ? { listenUrl: config.databaseUrl } : {}),
    onBackgroundFailure: (what, err, queue) =>
      log.error(
        {
          failure: { type: (err as Error | undefined)?.name, message: (err as Error | undefined)?.message },
          ...(queue ? { cardsWaiting: queue.waiting, cardsDropped: queue.dropped } : {}),
        },
        what === 'card-records'
          ? 'card store unavailable: cards shown are kept in memory and written when it is back (feedback on them answers 404 until then)'
          : 'snooze listener lost: snoozes are read from the database on each call until it reconnects',
      ),
  });
}
