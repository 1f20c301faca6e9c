/**
 * Loads the synthetic patients (`fixtures/patients/*.json`, FHIR R4 transaction Bundles) into a FHIR server.
 *
 *   node --import tsx scripts/load-fixtures.ts http://hapi:8080/fhir
 *   node --import tsx scripts/load-fixtures.ts --fhir http://localhost:8080/fhir --dir fixtures/patients --retries 90
 *
 * Waits for `GET <base>/metadata` to answer (bounded retries with a fixed pause), then POSTs each bundle, in
 * file-name order, as a transaction to `<base>`. Prints one line per bundle (file name, HTTP status, entry
 * count) and never any resource content. Exit codes: 0 all loaded, 1 the server never came up or a bundle
 * failed, 2 bad arguments. The FHIR base comes from the command line only (no environment variables).
 */
import { readdir, readFile, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const FHIR_JSON = 'application/fhir+json';

/** Tuning for {@link loadFixtures}; the defaults suit a HAPI container that is still starting (≈ 2 minutes). */
export interface LoadFixturesOptions {
  /** How many times `GET <base>/metadata` is tried before giving up (default 60). */
  retries?: number;
  /** Pause between two tries, in ms (default 2000). */
  intervalMs?: number;
  /** Deadline of one `metadata` request, in ms (default 5000). */
  probeTimeoutMs?: number;
  /** Deadline of one transaction POST, in ms (default 60000: a JVM server's first transaction is slow). */
  postTimeoutMs?: number;
}

/** What happened to one fixture file. */
export interface BundleResult {
  file: string;
  status: number;
  entries: number;
}

/** A failure the CLI reports as one readable message (no stack trace). */
export class LoadFixturesError extends Error {
  override name = 'LoadFixturesError';
}

interface TransactionBundle {
  resourceType: 'Bundle';
  type: 'transaction';
  entry?: unknown[];
}

function isTransactionBundle(value: unknown): value is TransactionBundle {
  const v = value as { resourceType?: unknown; type?: unknown } | null;
  return typeof v === 'object' && v !== null && v.resourceType === 'Bundle' && v.type === 'transaction';
}

function normaliseBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new LoadFixturesError(`not a URL: ${JSON.stringify(baseUrl)} (expected a FHIR base such as http://hapi:8080/fhir)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new LoadFixturesError(`FHIR base must be http(s): ${baseUrl}`);
  }
  return url.href.replace(/\/+$/, '');
}

/** Why a fetch failed, in a few words (connection refused, timeout, DNS), without echoing bodies. */
function describeFetchError(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timed out';
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** The issue codes of an OperationOutcome body, if that is what came back (diagnostics are not echoed). */
function outcomeCodes(body: unknown): string {
  const issues = (body as { resourceType?: unknown; issue?: unknown } | null)?.issue;
  if ((body as { resourceType?: unknown } | null)?.resourceType !== 'OperationOutcome' || !Array.isArray(issues)) return '';
  const codes = issues.map((i: { severity?: unknown; code?: unknown }) => `${String(i.severity)}/${String(i.code)}`);
  return codes.length > 0 ? ` (${codes.join(', ')})` : '';
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

async function waitForServer(base: string, opts: Required<LoadFixturesOptions>, log: (line: string) => void): Promise<void> {
  const url = `${base}/metadata`;
  let last = '';
  for (let attempt = 1; attempt <= opts.retries; attempt++) {
    try {
      const response = await fetch(url, { headers: { accept: FHIR_JSON }, signal: AbortSignal.timeout(opts.probeTimeoutMs) });
      const body: unknown = await response.json().catch(() => undefined);
      const type = (body as { resourceType?: unknown } | undefined)?.resourceType;
      if (response.ok && type === 'CapabilityStatement') {
        log(`FHIR server up: ${url} (attempt ${attempt}/${opts.retries})`);
        return;
      }
      last = response.ok ? `HTTP ${response.status} without a CapabilityStatement` : `HTTP ${response.status}`;
    } catch (err) {
      last = describeFetchError(err);
    }
    log(`waiting for ${url}: ${last} (attempt ${attempt}/${opts.retries})`);
    if (attempt < opts.retries) await sleep(opts.intervalMs);
  }
  throw new LoadFixturesError(`FHIR server at ${base} did not answer GET ${url} after ${opts.retries} attempts (last: ${last})`);
}

async function listBundles(dir: string): Promise<string[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch (err) {
    throw new LoadFixturesError(`cannot read fixtures folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (files.length === 0) throw new LoadFixturesError(`no *.json bundles in ${dir}`);
  return files;
}

async function readBundle(dir: string, file: string): Promise<TransactionBundle> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(dir, file), 'utf8'));
  } catch {
    throw new LoadFixturesError(`${file}: not valid JSON`);
  }
  if (!isTransactionBundle(parsed)) throw new LoadFixturesError(`${file}: not a transaction Bundle`);
  return parsed;
}

/**
 * Waits for the FHIR server, then POSTs every `*.json` transaction Bundle of `dir` (sorted by name) to `baseUrl`.
 * Every bundle is tried even after one fails; the promise rejects at the end if any failed.
 * @param baseUrl - FHIR base, e.g. `http://hapi:8080/fhir` (a trailing slash is ignored)
 * @param dir - folder of transaction Bundles, e.g. `fixtures/patients`
 * @param log - receives one line per event (no resource content)
 * @param options - retries and deadlines
 * @returns one result per bundle, in load order
 * @throws LoadFixturesError naming the URL when the server never answers, or listing the bundles that failed
 */
export async function loadFixtures(baseUrl: string, dir: string, log: (line: string) => void, options: LoadFixturesOptions = {}): Promise<BundleResult[]> {
  const opts: Required<LoadFixturesOptions> = {
    retries: Math.max(1, options.retries ?? 60),
    intervalMs: Math.max(0, options.intervalMs ?? 2000),
    probeTimeoutMs: options.probeTimeoutMs ?? 5000,
    postTimeoutMs: options.postTimeoutMs ?? 60_000,
  };
  const base = normaliseBaseUrl(baseUrl);
  const files = await listBundles(dir);
  const bundles = await Promise.all(files.map(async (file) => ({ file, bundle: await readBundle(dir, file) })));

  await waitForServer(base, opts, log);

  const results: BundleResult[] = [];
  const failed: string[] = [];
  for (const { file, bundle } of bundles) {
    const entries = bundle.entry?.length ?? 0;
    let status = 0;
    let detail = '';
    try {
      const response = await fetch(base, {
        method: 'POST',
        headers: { 'content-type': FHIR_JSON, accept: FHIR_JSON },
        body: JSON.stringify(bundle),
        signal: AbortSignal.timeout(opts.postTimeoutMs),
      });
      status = response.status;
      const body: unknown = await response.json().catch(() => undefined);
      if (!response.ok) detail = outcomeCodes(body);
    } catch (err) {
      detail = ` (${describeFetchError(err)})`;
    }
    const ok = status >= 200 && status < 300;
    log(`${file}: HTTP ${status || 'no response'}, ${entries} entries${ok ? '' : ` FAILED${detail}`}`);
    results.push({ file, status, entries });
    if (!ok) failed.push(file);
  }
  if (failed.length > 0) {
    throw new LoadFixturesError(`${failed.length} of ${bundles.length} bundles failed to load into ${base}: ${failed.join(', ')}`);
  }
  log(`loaded ${bundles.length} bundles into ${base}`);
  return results;
}

const USAGE = `usage: node --import tsx scripts/load-fixtures.ts <fhir-base-url> [--dir <folder>] [--retries <n>] [--interval-ms <ms>]
       (or --fhir <fhir-base-url>; default folder: fixtures/patients next to this script's project)`;

function positiveInt(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new LoadFixturesError(`--${name} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  return value;
}

async function cli(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        fhir: { type: 'string' },
        dir: { type: 'string' },
        retries: { type: 'string' },
        'interval-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.values.help) {
    console.log(USAGE);
    return 0;
  }
  const baseUrl = args.values.fhir ?? args.positionals[0];
  if (!baseUrl || args.positionals.length > (args.values.fhir ? 0 : 1)) {
    console.error(`give exactly one FHIR base URL\n${USAGE}`);
    return 2;
  }
  const dir = resolve(args.values.dir ?? fileURLToPath(new URL('../fixtures/patients', import.meta.url)));
  let options: LoadFixturesOptions;
  try {
    options = { retries: positiveInt('retries', args.values.retries, 1), intervalMs: positiveInt('interval-ms', args.values['interval-ms'], 0) };
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    await loadFixtures(baseUrl, dir, (line) => console.log(line), options);
    return 0;
  } catch (err) {
    console.error(`load-fixtures failed: ${err instanceof LoadFixturesError ? err.message : String(err)}`);
    return 1;
  }
}

/** True when this file is the program being run (not imported by a test). */
async function isMain(): Promise<boolean> {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return (await realpath(resolve(entry))) === (await realpath(fileURLToPath(import.meta.url)));
  } catch {
    return false;
  }
}

if (await isMain()) {
  process.exitCode = await cli(process.argv.slice(2));
}
