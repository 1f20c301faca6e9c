import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCardQueue, type QueueState } from '../../src/store/card-queue.js';
import type { ShownCard } from '../../src/store/cards.js';
import type { StoreDb } from '../../src/store/db.js';
import { freshTestDatabase } from '../helpers/database.js';

/** The cards shown, written behind the answers: batches, a database that fails and comes back, the memory bound. */

let db: StoreDb;
beforeAll(async () => {
  db = await freshTestDatabase();
});
afterAll(async () => {
  await db?.destroy();
});

let seq = 0;
const rows = (n: number, prefix = 'q'): ShownCard[] =>
  Array.from({ length: n }, () => ({
    uuid: `${prefix}-${++seq}`,
    service_id: 'nec-patient-view',
    rule_id: 'stop-adt-small-cell',
    indicator: 'warning' as const,
    hook_instance: 'h',
    patient_hash: 'a'.repeat(64),
    shown_at: new Date('2026-11-23T09:00:00Z'),
  }));
const stored = async (prefix: string) =>
  (
    await db
      .selectFrom('cards')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('uuid', 'like', `${prefix}-%`)
      .executeTakeFirstOrThrow()
  ).n;

describe('card queue', () => {
  it('writes queued cards by itself, without a flush call', async () => {
    const queue = createCardQueue(db, () => undefined);
    queue.add(rows(3, 'self'));
    expect(queue.pending).toBe(3);
    await vi.waitFor(async () => expect(await stored('self')).toBe(3), { timeout: 5000, interval: 20 });
    expect(queue.pending).toBe(0);
    await queue.close();
  });

  it('writes every field as given: quotes, commas, braces and non-ASCII in a hook instance, milliseconds of the time', async () => {
    const queue = createCardQueue(db, () => undefined);
    const row = {
      ...rows(1, 'exact')[0]!,
      hook_instance: `a "quoted", {braced} ’hook’ \\ é — ${'x'.repeat(60)}`,
      shown_at: new Date('2026-11-23T09:00:00.123Z'),
    };
    queue.add([row]);
    await queue.flush();
    expect(await db.selectFrom('cards').selectAll().where('uuid', '=', row.uuid).executeTakeFirstOrThrow()).toEqual(row);
    await queue.close();
  });

  it('flush() writes everything queued before it, in batches (1,234 rows)', async () => {
    const queue = createCardQueue(db, () => undefined);
    for (let i = 0; i < 10; i++) queue.add(rows(123, 'many'));
    queue.add(rows(4, 'many'));
    await queue.flush();
    expect(await stored('many')).toBe(1234);
    expect(queue.pending).toBe(0);
    await queue.close();
  });

  it('keeps the rows while the database fails, reports the failure once per attempt, and writes them when it is back', async () => {
    const failures: string[] = [];
    const states: QueueState[] = [];
    const queue = createCardQueue(db, (err, state) => {
      failures.push((err as Error).message);
      states.push(state);
    });
    await sql`alter table cards rename to cards_away`.execute(db);
    try {
      queue.add(rows(5, 'down'));
      await queue.flush();
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatch(/cards/);
      expect(states).toEqual([{ waiting: 5, dropped: 0 }]);
      queue.add(rows(2, 'down'));
      expect(failures).toHaveLength(1); // a call does not retry a failing database: the retry timer does
      expect(queue.pending).toBe(7);
    } finally {
      await sql`alter table cards_away rename to cards`.execute(db);
    }
    await queue.flush();
    expect(queue.pending).toBe(0);
    expect(await stored('down')).toBe(7);
    await queue.close();
  });

  it('past 20,000 rows waiting, the oldest are dropped and counted', async () => {
    const own = await freshTestDatabase();
    const states: QueueState[] = [];
    const queue = createCardQueue(own, (_err, state) => states.push(state));
    await sql`alter table cards rename to cards_away`.execute(own);
    const first = rows(1, 'cap');
    queue.add(first);
    await queue.flush();
    for (let i = 0; i < 20; i++) queue.add(rows(1000, 'cap'));
    expect(queue.pending).toBe(20_000);
    expect(queue.dropped).toBe(1);
    await queue.flush(); // fails again (table still away): the failure reports the drop
    expect(states.at(-1)).toEqual({ waiting: 20_000, dropped: 1 });
    await sql`alter table cards_away rename to cards`.execute(own);
    await queue.close();
    const left = await own.selectFrom('cards').select('uuid').where('uuid', '=', first[0]!.uuid).execute();
    expect(left).toEqual([]);
    expect(
      (
        await own
          .selectFrom('cards')
          .select(sql<number>`count(*)::int`.as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ).toBe(20_000);
    await own.destroy();
  }, 60_000);
});
