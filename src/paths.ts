import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** The project root (where package.json is), whether running from `src/` with tsx or from `dist/`. */
const projectRoot = findRoot(dirname(fileURLToPath(import.meta.url)));

/** An absolute path to a file of the project (`cards/…`, `clinical/…`, `fixtures/…`). */
export function projectPath(...parts: string[]): string {
  return join(projectRoot, ...parts);
}
