import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { openDatabase, type StoreDb } from '../../src/store/db.js';
import { migrateToLatest } from '../../src/store/migrations/index.js';
import type { Database } from '../../src/store/schema.js';

/**
 * Databases for tests. By default the embedded PGlite, in memory. When `DATABASE_URL` is set in the test
 * environment (the PostgreSQL pass of `.ci/run`), a real PostgreSQL: each test process creates its own database
 * on that server (`nec_cds_test_…`, never dropped: CI's cluster is thrown away), so test files running in parallel
 * never see each other's rows.
 *
 * Starting PGlite costs seconds of CPU (its initdb); a migrated copy is dumped once into the system temp folder
 * (named by a hash of the migrations and the PGlite version, so a new migration makes a new one) and every test
 * process loads its in-memory databases from it (about half a second).
 */

/** The PostgreSQL server of the PostgreSQL pass, or undefined (PGlite). */
export const POSTGRES_URL: string | undefined = process.env.DATABASE_URL || undefined;

let template: Promise<Blob> | undefined;
let perProcessUrl: Promise<string> | undefined;
let shared: Promise<StoreDb> | undefined;

function templateFile(): string {
  const hash = createHash('sha256');
  const migrations = new URL('../../src/store/migrations/', import.meta.url);
  for (const name of readdirSync(migrations).sort()) hash.update(name).update(readFileSync(new URL(name, migrations)));
  hash.update(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url)));
  return join(tmpdir(), `nec-cds-pglite-template-${hash.digest('hex').slice(0, 16)}.tar`);
}

async function pgliteTemplate(): Promise<Blob> {
  const file = templateFile();
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    // not made yet: make it (processes racing here each write their own copy, then rename over: any one is fine)
  }
  const pglite = new PGlite('memory://');
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  await migrateToLatest(db);
  const dump = await pglite.dumpDataDir('none');
  await db.destroy();
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  renameSync(partial, file);
  return dump;
}

async function createPostgresDatabase(serverUrl: string): Promise<string> {
  const name = `nec_cds_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** PostgreSQL pass: this process's own database on the server (created once). Undefined with PGlite. */
export async function testDatabaseUrl(): Promise<string | undefined> {
  if (!POSTGRES_URL) return undefined;
  perProcessUrl ??= createPostgresDatabase(POSTGRES_URL);
  return perProcessUrl;
}

/** A new, migrated, empty database: in-memory PGlite, or (PostgreSQL pass) a new database on the server. Close it with `destroy()`. */
export async function freshTestDatabase(): Promise<StoreDb> {
  if (POSTGRES_URL) {
    const db = openDatabase({ databaseUrl: await createPostgresDatabase(POSTGRES_URL), databaseDir: 'memory://' });
    await migrateToLatest(db);
    return db;
  }
  template ??= pgliteTemplate();
  const pglite = new PGlite({ dataDir: 'memory://', loadDataDir: await template });
  return new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
}

/**
 * One database for the whole test process, shared by every service `startService` starts in it (each with its own
 * random patient-hash salt, so their snoozes do not meet). Never closed: it ends with the process.
 */
export function sharedTestDatabase(): Promise<StoreDb> {
  shared ??= freshTestDatabase();
  return shared;
}
