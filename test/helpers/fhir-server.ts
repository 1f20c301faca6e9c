import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bundle, Resource } from 'fhir/r4.js';

/**
 * The FHIR server of the integration tests. By default the embedded FHIR server (`npm run fhir-sandbox`) as a real
 * child process on a free port, seeded with `fixtures/patients/*.json` (the child prints `FHIR R4 server ready at
 * <url>` once listening). With `FHIR_BASE_URL` set, an external FHIR R4 server instead (e.g. the docker-compose
 * HAPI, loaded by `scripts/load-fixtures.ts`): the same tests run against it unchanged.
 */

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const mainPath = join(repoRoot, 'src/embedded-fhir/main.ts');

export interface FhirServerProcess {
  /** FHIR base URL, e.g. `http://127.0.0.1:41234/fhir` (no trailing slash). */
  url: string;
  /** The child's pid; undefined for an external server (FHIR_BASE_URL). */
  pid: number | undefined;
  /** SIGTERM by pid, resolves when the child has exited; nothing for an external server. */
  stop(): Promise<void>;
}

/** `FHIR_BASE_URL` without a trailing slash, when the integration tests run against an external FHIR server. */
export const externalFhirBaseUrl: string | undefined = process.env.FHIR_BASE_URL?.trim().replace(/\/+$/, '') || undefined;

/** A Patient every fixture load creates: its absence means the external server was not loaded. */
const FIXTURE_PROBE = 'Patient/seed-000-nepc-liver';

/**
 * The FHIR server the integration tests use: the external one named by FHIR_BASE_URL (checked: an R4 server with
 * fixtures/patients loaded), else a fresh embedded one.
 */
export async function startFhirServer(): Promise<FhirServerProcess> {
  return externalFhirBaseUrl ? useExternalFhirServer(externalFhirBaseUrl) : startEmbeddedFhirProcess();
}

async function useExternalFhirServer(url: string): Promise<FhirServerProcess> {
  const metadata = await fetch(`${url}/metadata`, { headers: { accept: 'application/fhir+json' } }).catch((err: unknown) => {
    throw new Error(`FHIR_BASE_URL=${url}: the FHIR server cannot be reached (${(err as Error).message})`);
  });
  const statement = (await metadata.json().catch(() => undefined)) as { resourceType?: string; fhirVersion?: string } | undefined;
  if (!metadata.ok || statement?.resourceType !== 'CapabilityStatement' || !statement.fhirVersion?.startsWith('4.0')) {
    throw new Error(`FHIR_BASE_URL=${url}: GET metadata did not answer an R4 CapabilityStatement (HTTP ${metadata.status})`);
  }
  const probe = await fetch(`${url}/${FIXTURE_PROBE}`, { headers: { accept: 'application/fhir+json' } });
  if (!probe.ok) {
    throw new Error(
      `FHIR_BASE_URL=${url}: ${FIXTURE_PROBE} is missing (HTTP ${probe.status}); load the fixtures first: node --import tsx scripts/load-fixtures.ts ${url}`,
    );
  }
  return { url, pid: undefined, stop: async () => undefined };
}

/**
 * Spawns `node --import tsx src/embedded-fhir/main.ts` with FHIR_SANDBOX_PORT=0 and waits for its ready line.
 * Always the embedded server, whatever FHIR_BASE_URL says: for the tests of that server itself.
 */
export async function startEmbeddedFhirProcess(): Promise<FhirServerProcess> {
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

/**
 * Every match of a search in one searchset Bundle without links, following `next` pages: a server may return
 * fewer entries per page than `_count` asks (HAPI caps it at its max_page_size), so one page is not the whole.
 */
export async function fhirSearchAll(base: string, path: string): Promise<Bundle> {
  const entry: NonNullable<Bundle['entry']> = [];
  for (let url: string | undefined = path, pages = 0; url; pages++) {
    if (pages >= 1000) throw new Error(`GET ${base}/${path}: more than 1000 pages`);
    const page: Bundle = await fhirGet<Bundle>(base, url);
    entry.push(...(page.entry ?? []));
    url = nextLink(page);
  }
  return { resourceType: 'Bundle', type: 'searchset', total: entry.length, entry };
}

/** The `next` link of a search Bundle, if any. */
export function nextLink(bundle: Bundle): string | undefined {
  return bundle.link?.find((l) => l.relation === 'next')?.url;
}
