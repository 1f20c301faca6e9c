import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, defaultDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/store/db.js';
import { SEED_000 } from '../helpers/cards.js';
import { freshTestDatabase, testDatabaseUrl } from '../helpers/database.js';
import { repoRoot } from '../helpers/fhir-server.js';
import { patientViewRequest } from '../helpers/requests.js';
import { captureLogger, freePort } from '../helpers/service.js';
import { NOW, PATIENT_VIEW, prefetchOf } from './feedback-calls.js';

/**
 * The database and the service's life: start-up migrates (and refuses to start without a database), /readyz
 * reports a lost database (503), a lost database does not fail a hook call, and shutdown closes it cleanly.
 */

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('a database lost while running', () => {
  it('/readyz answers 503, feedback 503, and a hook call still answers its cards (unrecorded)', async () => {
    const db = await freshTestDatabase();
    const config = loadConfig({ CDS_AUTH: 'disabled', LOG_LEVEL: 'silent' });
    const app = await buildApp(config, { ...defaultDeps(config), logger: captureLogger([]), now: () => NOW, database: db });
    try {
      expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
      await db.destroy();

      const ready = await app.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({ status: 'not ready', reason: 'the card and feedback database cannot be reached' });

      const feedback = await app.inject({
        method: 'POST',
        url: `${PATIENT_VIEW}/feedback`,
        payload: { feedback: [{ card: 'c', outcome: 'overridden', outcomeTimestamp: '2026-11-23T10:00:00Z' }] },
      });
      expect(feedback.statusCode).toBe(503);
      expect(feedback.json()).toMatchObject({ error: 'store-unavailable' });

      const hook = await app.inject({ method: 'POST', url: PATIENT_VIEW, payload: patientViewRequest(SEED_000, { prefetch: prefetchOf(SEED_000) }) });
      expect(hook.statusCode).toBe(200);
      expect((hook.json() as { cards: unknown[] }).cards.length).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  }, 120_000);
});

/** Runs `src/main.ts` as `npm start` does; resolves with its exit code and output once it has exited. */
function runMain(env: Record<string, string>, onReady?: (child: ReturnType<typeof spawn>) => Promise<void>) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DATABASE_URL', 'DATABASE_DIR', 'NODE_ENV'].includes(k)));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: repoRoot,
    env: { ...base, CDS_AUTH: 'disabled', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let readySeen = false;
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (!readySeen && output.includes('nec-cds ready') && onReady) {
        readySeen = true;
        onReady(child).catch((err: unknown) => {
          child.kill('SIGKILL');
          reject(err as Error);
        });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('start-up and shutdown (src/main.ts)', () => {
  it('refuses to start when the database cannot be reached, without printing its password', async () => {
    const { code, output } = await runMain({ PORT: String(await freePort()), DATABASE_URL: `postgres://cds:secret-pw-123@127.0.0.1:${await freePort()}/cds` });
    expect(code).toBe(1);
    expect(output).toMatch(/nec-cds could not start: /);
    expect(output).not.toContain('secret-pw-123');
  }, 120_000);

  it('migrates at start-up, is ready, and on SIGTERM closes the database and exits 0', async () => {
    const url = await testDatabaseUrl();
    const dir = mkdtempSync(join(tmpdir(), 'nec-cds-main-'));
    folders.push(dir);
    const store: Record<string, string> = url ? { DATABASE_URL: url } : { DATABASE_DIR: join(dir, 'pglite') };
    const port = await freePort();
    let readyStatus = 0;
    const { code, output } = await runMain({ PORT: String(port), ...store }, async (child) => {
      readyStatus = (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
      child.kill('SIGTERM');
    });
    expect(readyStatus).toBe(200);
    expect(code).toBe(0);
    expect(output).toContain('shutting down');
    // The data folder (or database) can be opened again, and holds the schema the start-up created.
    const db = openDatabase(url ? { databaseUrl: url } : { databaseDir: join(dir, 'pglite') });
    try {
      const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
      expect(applied.rows.map((r) => r.name)).toContain('0001-cards-feedback-snoozes-jti');
    } finally {
      await db.destroy();
    }
  }, 180_000);
});
