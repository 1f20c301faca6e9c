import pg from 'pg';
import type { StoreDb } from './db.js';

/**
 * The snoozes table, held in memory, so a hook call decides what to hide without a database round trip.
 *
 * Every snooze written in this process is applied after its commit. Snoozes written by other instances arrive by
 * PostgreSQL's LISTEN/NOTIFY (`SNOOZE_CHANNEL`, sent in the writing transaction, so on commit): the mirror is
 * trusted only while that listener is connected; after a reconnect it reloads the table (LISTEN first, so nothing
 * falls between). Untrusted (not loaded yet, listener down) it answers `undefined` and the caller asks the database.
 * The embedded PGlite has one process by construction: loaded once, its mirror is always current.
 */

export const SNOOZE_CHANNEL = 'nec_cds_snoozes';
const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 30_000;
const DAY_MS = 86_400_000;

export interface SnoozeRow {
  patient_hash: string;
  rule_id: string;
  snoozed_at: Date;
}

/** What a NOTIFY carries: the snooze as written. */
export function snoozeNotification(row: SnoozeRow): string {
  return JSON.stringify({ p: row.patient_hash, r: row.rule_id, t: row.snoozed_at.toISOString() });
}

function parseNotification(payload: string | undefined): SnoozeRow | undefined {
  try {
    const { p, r, t } = JSON.parse(payload ?? '') as { p?: unknown; r?: unknown; t?: unknown };
    const at = typeof t === 'string' ? new Date(t) : undefined;
    if (typeof p !== 'string' || typeof r !== 'string' || !at || Number.isNaN(at.getTime())) return undefined;
    return { patient_hash: p, rule_id: r, snoozed_at: at };
  } catch {
    return undefined;
  }
}

export interface SnoozeMirror {
  /** The rules snoozed for the patient at `now` (the database query's rule), or undefined: ask the database. */
  rulesFor(patientHash: string, now: Date, days: number): Set<string> | undefined;
  /** A snooze committed in this process (kept if newer than what is held, as the upsert does). */
  apply(row: SnoozeRow): void;
  close(): Promise<void>;
}

export interface MirrorOptions {
  /** PostgreSQL: the server to LISTEN on for other instances' snoozes. Absent for PGlite. */
  listenUrl?: string;
  onListenerError?: (err: unknown) => void;
}

export function createSnoozeMirror(db: StoreDb, options: MirrorOptions = {}): SnoozeMirror {
  const byPatient = new Map<string, Map<string, number>>();
  let trusted = false;
  let closed = false;
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryMs = RECONNECT_MIN_MS;

  const apply = (row: SnoozeRow) => {
    const at = row.snoozed_at.getTime();
    let rules = byPatient.get(row.patient_hash);
    if (!rules) byPatient.set(row.patient_hash, (rules = new Map<string, number>()));
    if ((rules.get(row.rule_id) ?? -Infinity) < at) rules.set(row.rule_id, at);
  };

  const load = async () => {
    const rows = await db.selectFrom('snoozes').select(['patient_hash', 'rule_id', 'snoozed_at']).execute();
    for (const row of rows) apply(row);
  };

  const reconnectLater = () => {
    trusted = false;
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void listen();
    }, retryMs).unref();
    retryMs = Math.min(RECONNECT_MAX_MS, retryMs * 2);
  };

  const listen = async () => {
    const listener = new pg.Client({ connectionString: options.listenUrl });
    client = listener;
    listener.on('notification', (message) => {
      const row = message.channel === SNOOZE_CHANNEL ? parseNotification(message.payload) : undefined;
      if (row) apply(row);
    });
    const lost = (err?: unknown) => {
      if (client !== listener) return;
      client = undefined;
      if (err !== undefined) options.onListenerError?.(err);
      listener.end().catch(() => undefined);
      reconnectLater();
    };
    listener.on('error', lost);
    listener.on('end', () => lost());
    try {
      await listener.connect();
      await listener.query(`LISTEN ${SNOOZE_CHANNEL}`);
      await load();
      if (client !== listener || closed) return;
      trusted = true;
      retryMs = RECONNECT_MIN_MS;
    } catch (err) {
      lost(err);
    }
  };

  if (options.listenUrl) void listen();
  else
    void load().then(
      () => (trusted = !closed),
      (err: unknown) => options.onListenerError?.(err),
    );

  return {
    rulesFor(patientHash, now, days) {
      if (!trusted) return undefined;
      const rules = byPatient.get(patientHash);
      const snoozed = new Set<string>();
      if (!rules || days <= 0) return snoozed;
      const t = now.getTime();
      const from = t - days * DAY_MS;
      for (const [rule, at] of rules) if (at > from && at <= t) snoozed.add(rule);
      return snoozed;
    },
    apply,
    async close() {
      closed = true;
      trusted = false;
      clearTimeout(retryTimer);
      const listener = client;
      client = undefined;
      await listener?.end().catch(() => undefined);
    },
  };
}
