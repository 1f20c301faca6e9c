import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/** A PGlite folder kept in memory only (tests, throw-away runs). */
export const IN_MEMORY = 'memory://';

/**
 * Postgres settings for the embedded database, sized for a store of a few small tables. The WASM heap is process
 * memory: every buffer Postgres touches stays resident (bench/README.md, "Memory of the embedded database").
 */
const SETTINGS = [
  // initdb's default (128MB) was most of PGlite's resident memory once touched; 8MB holds this store's working set.
  'shared_buffers=8MB',
  // Per sort/hash and per maintenance job (index builds, vacuum): the store's queries and tables are small.
  'work_mem=1MB',
  'maintenance_work_mem=4MB',
  // Session-local temporary tables: the store uses none.
  'temp_buffers=1MB',
];

const flags = SETTINGS.flatMap((s) => ['-c', s]);
const OPTIONS = {
  // startParams replaces PGlite's defaults: keep them.
  startParams: [...PGlite.defaultStartParams, ...flags],
  // Also used by initdb's bootstrap run and written into a new folder's postgresql.conf.
  initDbStartParams: flags,
};

/** Creates the folder's cluster and exits: argv = [module path, folder, options JSON]. Plain CommonJS, no transpiler needed. */
const INITDB_SCRIPT = `const [, mod, dir, options] = process.argv;
require(mod).PGlite.create(dir, JSON.parse(options)).then((pg) => pg.close()).catch((err) => { console.error(err); process.exit(1); });`;

/**
 * initdb in a child process: it runs a second WASM Postgres and copies its heap (peak ~800 MiB). Done in this
 * process, several hundred MiB of it stayed resident after it was freed; a child returns it all when it exits.
 */
async function initdbInChild(dir: string): Promise<void> {
  const pgliteModule = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  try {
    await promisify(execFile)(process.execPath, ['-e', INITDB_SCRIPT, pgliteModule, dir, JSON.stringify(OPTIONS)], { maxBuffer: 1 << 20 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim().slice(-1000);
    throw new Error(`initdb of the embedded database in ${dir} failed${stderr ? `: ${stderr}` : ''}`, { cause: err });
  }
}

/** A folder store whose empty folder is initialised out of process before PGlite opens it. */
class FolderInitialisedOutOfProcess extends NodeFS {
  override async init(...args: Parameters<NodeFS['init']>) {
    if (!existsSync(join(this.rootDir, 'PG_VERSION'))) await initdbInChild(this.rootDir);
    return super.init(...args);
  }
}

/** The embedded PostgreSQL in `dir` (created if missing; `memory://` keeps it in memory), with the settings above. */
export function openPglite(dir: string): PGlite {
  if (dir.startsWith(IN_MEMORY)) return new PGlite(dir, OPTIONS);
  mkdirSync(dir, { recursive: true });
  return new PGlite({ ...OPTIONS, fs: new FolderInitialisedOutOfProcess(dir) });
}
