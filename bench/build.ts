import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The servers under load run as compiled JavaScript on plain `node`, as the Docker image runs `dist/` (tsx would add
 * its loader thread, ~30 MB of RSS, and a helper call on every function it creates). This transpiles src/ and
 * bench/target.ts (no type check: `npm test` does that; tsconfig has isolatedModules, so file by file is exact)
 * into node_modules/.cache/nec-cds-bench/, below the project root so `projectPath()` and package resolution work.
 */

const root = fileURLToPath(new URL('../', import.meta.url));
const buildDir = join(root, 'node_modules', '.cache', 'nec-cds-bench');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Transpiles and returns the paths of the compiled bench target and embedded FHIR server entry point. */
export function buildForBench(): { target: string; fhirMain: string } {
  rmSync(buildDir, { recursive: true, force: true });
  const compilerOptions: ts.CompilerOptions = {
    module: ts.ModuleKind.ES2022,
    target: ts.ScriptTarget.ES2022,
    verbatimModuleSyntax: true,
    esModuleInterop: true,
    sourceMap: false,
  };
  for (const file of [...tsFiles(join(root, 'src')), join(root, 'bench', 'target.ts')]) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
    const out = join(buildDir, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  return { target: join(buildDir, 'bench', 'target.js'), fhirMain: join(buildDir, 'src', 'embedded-fhir', 'main.js') };
}
