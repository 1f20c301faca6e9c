import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snoozeReason } from '../../src/hooks/snooze-policy.js';
import type { StoreDb } from '../../src/store/db.js';
import { migrateToLatest } from '../../src/store/migrations/index.js';
import { createStore, type Store } from '../../src/store/store.js';
import { freshTestDatabase } from '../helpers/database.js';

/**
 * The store against a real database: in-memory PGlite, or in the PostgreSQL pass of `.ci/run` a database on a real
 * PostgreSQL server (same tests, same SQL).
 */

const T0 = new Date('2026-11-23T09:00:00Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(T0.getTime() + days * DAY);
const SNOOZE = { system: 'urn:nec-cds:override-reason', code: 'tumour-board-decision' };

let db: StoreDb;
let store: Store;

beforeAll(async () => {
  db = await freshTestDatabase();
  store = createStore(db, { patientHashSalt: 'store-test-salt-0123456789', snoozeDays: 30, ownsDb: false });
});

afterAll(async () => {
  await db?.destroy();
});

let seq = 0;
/** Records one card for a patient and returns its uuid. */
async function show(patientId: string, ruleId: string, indicator: 'info' | 'warning' | 'critical' = 'warning', serviceId = 'nec-patient-view', when = T0) {
  const uuid = `card-${++seq}-${ruleId}`;
  await store.recordShown({ serviceId, hookInstance: `hook-${seq}`, patientId, at: when, cards: [{ uuid, ruleId, indicator }] });
  return uuid;
}

describe('schema', () => {
  it('migrating again is a no-op (start-up of a second instance)', async () => {
    await expect(migrateToLatest(db)).resolves.toBeUndefined();
    const tables = await sql<{
      table_name: string;
    }>`select table_name from information_schema.tables where table_schema = 'public' order by table_name`.execute(db);
    expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['cards', 'feedback', 'jti_seen', 'kysely_migration', 'snoozes']));
  });

  it('keeps no patient id: only a salted hash of it', async () => {
    const uuid = await show('patient-secret-42', 'stop-adt-small-cell');
    await store.flush();
    const row = await db.selectFrom('cards').selectAll().where('uuid', '=', uuid).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('patient-secret-42');
    expect(row.patient_hash).toMatch(/^[0-9a-f]{64}$/);
    const other = createStore(db, { patientHashSalt: 'another-salt-0123456789', snoozeDays: 30, ownsDb: false });
    const uuid2 = `card-${++seq}`;
    await other.recordShown({
      serviceId: 'nec-patient-view',
      hookInstance: 'h',
      patientId: 'patient-secret-42',
      at: T0,
      cards: [{ uuid: uuid2, ruleId: 'x', indicator: 'info' }],
    });
    await other.flush();
    const row2 = await db.selectFrom('cards').select('patient_hash').where('uuid', '=', uuid2).executeTakeFirstOrThrow();
    expect(row2.patient_hash).not.toBe(row.patient_hash);
  });
});

describe('feedback', () => {
  it('stores accepted feedback with its suggestions, once: a repeat is a duplicate', async () => {
    const card = await show('p-feedback-1', 'start-platinum-etoposide');
    const item = { card, outcome: 'accepted' as const, acceptedSuggestions: [{ id: 's-1' }], outcomeTimestamp: '2026-11-23T10:05:31Z' };
    expect(await store.recordFeedback('nec-patient-view', [item], T0, snoozeReason)).toEqual({ stored: 1, duplicates: 0, snoozed: 0 });
    expect(await store.recordFeedback('nec-patient-view', [item, item], T0, snoozeReason)).toEqual({ stored: 0, duplicates: 2, snoozed: 0 });
    const rows = await db.selectFrom('feedback').selectAll().where('card_uuid', '=', card).execute();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.accepted_suggestions!)).toEqual(['s-1']);
    expect(rows[0]!.outcome_at.toISOString()).toBe('2026-11-23T10:05:31.000Z');
  });

  it('a later outcome for the same card is a new row (the clinician changed their mind)', async () => {
    const card = await show('p-feedback-2', 'start-platinum-etoposide');
    const first = { card, outcome: 'overridden' as const, outcomeTimestamp: '2026-11-23T10:00:00Z' };
    const second = { ...first, outcomeTimestamp: '2026-11-23T10:01:00Z' };
    expect(await store.recordFeedback('nec-patient-view', [first, second], T0, snoozeReason)).toMatchObject({ stored: 2 });
  });

  it('stores the override reason and comment', async () => {
    const card = await show('p-feedback-3', 'stop-adt-small-cell');
    const item = {
      card,
      outcome: 'overridden' as const,
      overrideReason: { reason: { system: 'urn:nec-cds:override-reason', code: 'mixed-histology' }, userComment: 'adenocarcinoma component' },
      outcomeTimestamp: '2026-11-23T10:05:31Z',
    };
    await store.recordFeedback('nec-patient-view', [item], T0, snoozeReason);
    const row = await db.selectFrom('feedback').selectAll().where('card_uuid', '=', card).executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      outcome: 'overridden',
      override_reason_code: 'mixed-histology',
      override_reason_system: 'urn:nec-cds:override-reason',
      user_comment: 'adenocarcinoma component',
    });
  });

  it('a batch naming an unknown card stores nothing and names the unknown card', async () => {
    const known = await show('p-feedback-4', 'stop-adt-small-cell');
    const items = [
      { card: known, outcome: 'overridden' as const, outcomeTimestamp: '2026-11-23T10:05:31Z' },
      { card: 'never-returned', outcome: 'overridden' as const, outcomeTimestamp: '2026-11-23T10:05:31Z' },
    ];
    expect(await store.recordFeedback('nec-patient-view', items, T0, snoozeReason)).toEqual({ unknownCards: ['never-returned'] });
    expect(await db.selectFrom('feedback').selectAll().where('card_uuid', '=', known).execute()).toEqual([]);
  });

  it("a card is unknown to another service's feedback endpoint", async () => {
    const card = await show('p-feedback-5', 'stop-adt-small-cell', 'warning', 'nec-order-sign');
    const item = { card, outcome: 'overridden' as const, outcomeTimestamp: '2026-11-23T10:05:31Z' };
    expect(await store.recordFeedback('nec-patient-view', [item], T0, snoozeReason)).toEqual({ unknownCards: [card] });
    expect(await store.recordFeedback('nec-order-sign', [item], T0, snoozeReason)).toMatchObject({ stored: 1 });
  });
});

describe('snoozes', () => {
  const override = (card: string, code = SNOOZE.code) => ({
    card,
    outcome: 'overridden' as const,
    overrideReason: { reason: { ...SNOOZE, code } },
    outcomeTimestamp: '2026-11-23T10:05:31Z',
  });

  it('an override with a snoozing reason hides the rule for that patient for SNOOZE_DAYS, then it returns', async () => {
    const card = await show('p-snooze-1', 'stop-adt-small-cell');
    expect(await store.recordFeedback('nec-patient-view', [override(card)], T0, snoozeReason)).toMatchObject({ snoozed: 1 });
    expect(await store.snoozedRules('p-snooze-1', at(1))).toEqual(new Set(['stop-adt-small-cell']));
    expect(await store.snoozedRules('p-snooze-1', at(29.9))).toEqual(new Set(['stop-adt-small-cell']));
    expect(await store.snoozedRules('p-snooze-1', at(30.1))).toEqual(new Set());
    expect(await store.snoozedRules('another-patient', at(1))).toEqual(new Set());
  });

  it('a reason that does not snooze, a critical card, and SNOOZE_DAYS=0 hide nothing', async () => {
    const plain = await show('p-snooze-2', 'stop-adt-small-cell');
    const critical = await show('p-snooze-2', 'radium-223-visceral', 'critical');
    const result = await store.recordFeedback('nec-patient-view', [override(plain, 'mixed-histology'), override(critical)], T0, snoozeReason);
    expect(result).toMatchObject({ stored: 2, snoozed: 0 });
    expect(await store.snoozedRules('p-snooze-2', at(1))).toEqual(new Set());

    const never = createStore(db, { patientHashSalt: 'store-test-salt-0123456789', snoozeDays: 0, ownsDb: false });
    const card = await show('p-snooze-3', 'stop-adt-small-cell');
    expect(await never.recordFeedback('nec-patient-view', [override(card)], T0, snoozeReason)).toMatchObject({ stored: 1, snoozed: 0 });
    expect(await store.snoozedRules('p-snooze-3', at(1))).toEqual(new Set());
  });

  it('a repeated override restarts the period; an older one does not shorten it', async () => {
    const first = await show('p-snooze-4', 'stop-vegf-tki-small-cell');
    await store.recordFeedback('nec-patient-view', [override(first)], T0, snoozeReason);
    const second = await show('p-snooze-4', 'stop-vegf-tki-small-cell', 'warning', 'nec-patient-view', at(20));
    await store.recordFeedback('nec-patient-view', [{ ...override(second), outcomeTimestamp: '2026-12-13T10:00:00Z' }], at(20), snoozeReason);
    expect(await store.snoozedRules('p-snooze-4', at(45))).toEqual(new Set(['stop-vegf-tki-small-cell']));
    const late = await show('p-snooze-4', 'stop-vegf-tki-small-cell');
    await store.recordFeedback('nec-patient-view', [{ ...override(late), outcomeTimestamp: '2026-11-24T10:00:00Z' }], at(1), snoozeReason);
    expect(await store.snoozedRules('p-snooze-4', at(45))).toEqual(new Set(['stop-vegf-tki-small-cell']));
  });
});

describe('replayed JWT ids', () => {
  it('a jti is recorded once per issuer; a live one is a replay; an expired one may be recorded again and is pruned', async () => {
    const until = at(0.01);
    expect(await store.recordJti('iss-a', 'jti-1', until, T0)).toBe('recorded');
    expect(await store.recordJti('iss-a', 'jti-1', until, T0)).toBe('replay');
    expect(await store.recordJti('iss-b', 'jti-1', until, T0)).toBe('recorded');
    expect(await store.recordJti('iss-a', 'jti-1', at(2), at(1))).toBe('recorded');
    // at(1) pruned the expired iss-b row (the first record of this store pruned nothing: nothing had expired)
    const left = await db.selectFrom('jti_seen').select(['iss', 'jti']).where('jti', '=', 'jti-1').orderBy('iss').execute();
    expect(left).toEqual([{ iss: 'iss-a', jti: 'jti-1' }]);
  });

  it('two concurrent uses of one jti: exactly one is recorded', async () => {
    const outcomes = await Promise.all([0, 1, 2, 3].map(() => store.recordJti('iss-c', 'jti-race', at(1), T0)));
    expect(outcomes.filter((o) => o === 'recorded')).toHaveLength(1);
  });
});
