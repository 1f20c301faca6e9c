import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bundle, Resource } from 'fhir/r4.js';

/**
 * The embedded FHIR server (`npm run fhir-sandbox`) as a real child process on a free port, seeded with
 * `fixtures/patients/*.json`. Same start-up contract as test/embedded-fhir/server.int.test.ts: the child prints
 * `FHIR R4 server ready at <url>` once listening.
 */

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const mainPath = join(repoRoot, 'src/embedded-fhir/main.ts');

export interface FhirServerProcess {
  /** FHIR base URL, e.g. `http://127.0.0.1:41234/fhir` (no trailing slash). */
  url: string;
  pid: number;
  /** SIGTERM by pid, resolves when the child has exited. */
  stop(): Promise<void>;
}

/** Spawns `node --import tsx src/embedded-fhir/main.ts` with FHIR_SANDBOX_PORT=0 and waits for its ready line. */
export async function startFhirServer(): Promise<FhirServerProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', mainPath], {
    cwd: repoRoot,
    env: { ...process.env, FHIR_SANDBOX_PORT: '0', FHIR_SANDBOX_HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /ready at (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`fhir-sandbox exited (${code}) before ready:\n${stdout}\n${stderr}`)));
  });
  const pid = proc.pid;
  if (pid === undefined) throw new Error('fhir-sandbox child has no pid');
  return {
    url,
    pid,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      process.kill(pid, 'SIGTERM');
      await exited;
    },
  };
}

/** GET a FHIR resource (absolute URL, or relative to `base`) and fail loudly on a non-2xx answer. */
export async function fhirGet<T extends Resource = Resource>(base: string, urlOrPath: string): Promise<T> {
  const url = /^https?:/.test(urlOrPath) ? urlOrPath : `${base}/${urlOrPath}`;
  const res = await fetch(url, { headers: { accept: 'application/fhir+json' } });
  if (!res.ok) throw new Error(`GET ${url} → HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** PUT a resource with an id (create-or-update) through the REST API. */
export async function fhirPut<T extends Resource & { id: string }>(base: string, resource: T): Promise<T> {
  const url = `${base}/${resource.resourceType}/${resource.id}`;
  const res = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
    body: JSON.stringify(resource),
  });
  if (!res.ok) throw new Error(`PUT ${url} → HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** The `next` link of a search Bundle, if any. */
export function nextLink(bundle: Bundle): string | undefined {
  return bundle.link?.find((l) => l.relation === 'next')?.url;
}
