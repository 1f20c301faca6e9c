import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { snoozeReason } from '../../src/hooks/snooze-policy.js';
import { openDatabase, type StoreDb } from '../../src/store/db.js';
import { createStore, type Store } from '../../src/store/store.js';
import { freshTestDatabase, POSTGRES_URL, testDatabaseUrl } from '../helpers/database.js';

/**
 * Snoozes are decided from memory on the hook path. These tests take the snoozes table away to show the answer
 * comes from memory, and (PostgreSQL pass) follow a snooze written by another instance through LISTEN/NOTIFY.
 */

const T0 = new Date('2026-11-23T09:00:00Z');
const DAY = 86_400_000;
const SALT = 'mirror-test-salt-0123456789';
const options = { patientHashSalt: SALT, snoozeDays: 30, ownsDb: false };
const override = (card: string) => ({
  card,
  outcome: 'overridden' as const,
  overrideReason: { reason: { system: 'urn:nec-cds:override-reason', code: 'patient-declines' } },
  outcomeTimestamp: '2026-11-23T10:05:31Z',
});

/**
 * Waits until the store answers without a query (its mirror has loaded; until then it asks the database, and taking
 * the table away before the load has finished would fail the load, not test the mirror). A spy, not a mock: every
 * call still goes through.
 */
async function answeredFromMemory(db: StoreDb, ask: () => Promise<Set<string>>, rules: string[]) {
  const selects = vi.spyOn(db, 'selectFrom');
  try {
    await vi.waitFor(
      async () => {
        selects.mockClear();
        expect(await ask()).toEqual(new Set(rules));
        expect(selects).not.toHaveBeenCalled();
      },
      { timeout: 15_000, interval: 50 },
    );
  } finally {
    selects.mockRestore();
  }
}

let seq = 0;
async function snoozeThrough(store: Store, patientId: string, ruleId: string) {
  const uuid = `mirror-${++seq}`;
  store.recordShown({ serviceId: 'nec-patient-view', hookInstance: 'h', patientId, at: T0, cards: [{ uuid, ruleId, indicator: 'warning' }] });
  expect(await store.recordFeedback('nec-patient-view', [override(uuid)], T0, snoozeReason)).toMatchObject({ snoozed: 1 });
}

describe('snoozes held in memory', () => {
  let db: StoreDb;
  beforeAll(async () => {
    db = await freshTestDatabase();
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('a snooze on record before start is loaded; one written later is applied; both answer with the table gone', async () => {
    const before = createStore(db, options);
    await snoozeThrough(before, 'p-loaded', 'stop-adt-small-cell');
    await before.close();

    const store = createStore(db, options);
    await answeredFromMemory(db, () => store.snoozedRules('p-loaded', T0), ['stop-adt-small-cell']);
    await snoozeThrough(store, 'p-later', 'stop-vegf-tki-small-cell');
    await sql`alter table snoozes rename to snoozes_away`.execute(db);
    try {
      expect(await store.snoozedRules('p-loaded', new Date(T0.getTime() + DAY))).toEqual(new Set(['stop-adt-small-cell']));
      expect(await store.snoozedRules('p-later', T0)).toEqual(new Set(['stop-vegf-tki-small-cell']));
      expect(await store.snoozedRules('p-later', new Date(T0.getTime() + 31 * DAY))).toEqual(new Set());
      expect(await store.snoozedRules('p-loaded', new Date(T0.getTime() - DAY))).toEqual(new Set());
      expect(await store.snoozedRules('p-none', T0)).toEqual(new Set());
    } finally {
      await sql`alter table snoozes_away rename to snoozes`.execute(db);
    }
    await store.close();
  });

  it('two stores on one database handle share what they hold', async () => {
    const a = createStore(db, options);
    const b = createStore(db, options);
    await snoozeThrough(a, 'p-shared', 'psa-unreliable-nepc');
    expect(await b.snoozedRules('p-shared', T0)).toEqual(new Set(['psa-unreliable-nepc']));
    await a.close();
    await b.close();
  });
});

describe.skipIf(!POSTGRES_URL)('snoozes of another instance (PostgreSQL LISTEN/NOTIFY; runs in the PostgreSQL pass)', () => {
  let url: string;
  let dbA: StoreDb;
  let dbB: StoreDb;
  let a: Store;
  let b: Store;
  beforeAll(async () => {
    url = (await testDatabaseUrl())!;
    dbA = openDatabase({ databaseUrl: url });
    dbB = openDatabase({ databaseUrl: url });
    const { migrateToLatest } = await import('../../src/store/migrations/index.js');
    await migrateToLatest(dbA);
    a = createStore(dbA, { ...options, listenUrl: url });
    b = createStore(dbB, { ...options, listenUrl: url });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dbA?.destroy();
    await dbB?.destroy();
  });

  const listeners = () => sql<{ pid: number }>`select pid from pg_stat_activity where query = 'LISTEN nec_cds_snoozes' and datname = current_database()`;

  it('a snooze written through instance A reaches instance B by notification, not by a query', async () => {
    await vi.waitFor(async () => expect((await listeners().execute(dbA)).rows).toHaveLength(2), { timeout: 10_000 });
    await answeredFromMemory(dbB, () => b.snoozedRules('p-notified', T0), []);
    await snoozeThrough(a, 'p-notified', 'stop-adt-small-cell');
    await vi.waitFor(async () => {
      await sql`alter table snoozes rename to snoozes_away`.execute(dbA);
      try {
        expect(await b.snoozedRules('p-notified', T0)).toEqual(new Set(['stop-adt-small-cell']));
      } finally {
        await sql`alter table snoozes_away rename to snoozes`.execute(dbA);
      }
    });
  });

  it('while B has lost its listener it asks the database; it listens again and reloads', async () => {
    const before = (await listeners().execute(dbA)).rows.map((r) => r.pid);
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where query = 'LISTEN nec_cds_snoozes' and datname = current_database()`.execute(dbA);
    await new Promise((resolve) => setTimeout(resolve, 200)); // B learns of it when its socket closes
    await snoozeThrough(a, 'p-during-loss', 'bone-health-nepc');
    expect(await b.snoozedRules('p-during-loss', T0)).toEqual(new Set(['bone-health-nepc']));
    await vi.waitFor(
      async () => {
        const now = (await listeners().execute(dbA)).rows.map((r) => r.pid);
        expect(now).toHaveLength(2);
        expect(now.some((pid) => before.includes(pid))).toBe(false);
      },
      { timeout: 15_000, interval: 200 },
    );
    await answeredFromMemory(dbB, () => b.snoozedRules('p-during-loss', T0), ['bone-health-nepc']);
    await sql`alter table snoozes rename to snoozes_away`.execute(dbA);
    try {
      expect(await b.snoozedRules('p-during-loss', T0)).toEqual(new Set(['bone-health-nepc']));
    } finally {
      await sql`alter table snoozes_away rename to snoozes`.execute(dbA);
    }
  }, 30_000);
});
