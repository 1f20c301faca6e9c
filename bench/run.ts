/**
 * `npm run bench` (and `npm run bench:smoke`): load tests on loopback that stop by themselves, writing
 * bench/results.json and bench/RESULTS.md. What is measured and why: bench/README.md.
 *
 *   npm run bench                 full run (about 4 minutes)
 *   npm run bench:smoke           the same code with tiny durations (< 30 s), results to the OS temp folder
 *   tsx bench/run.ts --out DIR    write the results elsewhere
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Resource } from 'fhir/r4.js';
import autocannon, { type Result } from 'autocannon';
import { buildForBench } from './build.js';
import { CLINICAL_NOW, fixtureResources, fullPrefetch, orderSignChemoBody, PREFETCH_KEYS, patientViewBody, queryOf, scaledPatient } from './bodies.js';
import { type JwtResult, measureJwt } from './jwt.js';
import { type LayerProfile, profileLayers } from './layers.js';
import { type BenchDatabase, deployedNodeOptions, startPostgres } from './postgres.js';
import { type FhirServer, type Memory, startFhirServer, startTarget, type Target } from './processes.js';
import { renderMarkdown } from './report.js';

const smoke = process.argv.includes('--smoke');
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 ? process.argv[outArg + 1]! : smoke ? join(os.tmpdir(), 'nec-cds-bench-smoke') : fileURLToPath(new URL('.', import.meta.url));

/** Durations in seconds. */
export const settings = smoke
  ? // A fixed number of requests per run instead of a duration (autocannon's shortest duration is about a second).
    {
      mode: 'smoke' as const,
      duration: 0,
      warmup: 0,
      requestsPerRun: 100,
      connections: 10,
      highConnections: 0,
      scaleSizes: [10, 100, 1000, 10_000],
      scaleDuration: 0,
      scaleWarmup: 0,
      delayMs: 20,
      parallelKeys: [1, 3, 9],
      parallelSamples: 2,
      jwtTokens: 50,
      layerSeconds: 1,
    }
  : {
      mode: 'full' as const,
      duration: 10,
      warmup: 2,
      requestsPerRun: 0,
      connections: 10,
      highConnections: 100,
      scaleSizes: [10, 100, 1000, 10_000],
      scaleDuration: 6,
      scaleWarmup: 1.5,
      delayMs: 100,
      parallelKeys: [1, 3, 9],
      parallelSamples: 30,
      jwtTokens: 2000,
      layerSeconds: 8,
    };

const BODY_LIMIT = String(64 * 1024 * 1024);
/**
 * The service's settings in every run, as deployed except: auth off (see README), no rate limit (it would answer 429
 * to the load tool), NODE_ENV=development (production refuses auth off and the http FHIR server of (3)), so the
 * review page, on by default outside production, is turned off as in production.
 */
const SERVICE_ENV: Record<string, string> = {
  CDS_AUTH: 'disabled',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  RATE_LIMIT_MAX: '0',
  BODY_LIMIT_BYTES: BODY_LIMIT,
  BENCH_CLINICAL_NOW: CLINICAL_NOW,
  NODE_ENV: 'development',
  REVIEW_UI: 'disabled',
  PATIENT_HASH_SALT: 'bench-patient-hash-salt-0123456789',
};

export interface LoadResult {
  name: string;
  /** Set for runs of a configuration that is not the deployed one (a recommendation being tried). */
  variant?: string;
  target: 'service' | 'bare';
  connections: number;
  durationS: number;
  requestBytes: number;
  responseBytes: number;
  requests: number;
  rps: number;
  latencyMs: { p50: number; p97_5: number; p99: number; max: number; mean: number };
  errors: number;
  non2xx: number;
  memory: { before: Memory; after: Memory };
}

export interface ScalePoint {
  observations: number;
  resources: number;
  requestBytes: number;
  bare: LoadResult;
  service: LoadResult;
  /** The same service with V8's default heap limits (no NODE_OPTIONS): how the cost grows without the image's GC limits. */
  serviceDefaultHeap: LoadResult;
  /** Time per request (1 / req/s) divided by the resources in the request. */
  usPerResource: { service: number; bare: number; serviceDefaultHeap: number };
  ratio: number;
}

export interface ParallelPoint {
  missingKeys: string[];
  hookMs: { p50: number; p95: number; max: number };
  /** Each missing key's query alone against the same server: its median. */
  singleQueryMs: Record<string, number>;
  slowestSingleMs: number;
  ratio: number;
}

export interface BenchResults {
  mode: 'full' | 'smoke';
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; os: string; loadAverageBefore: number[]; loadAverageAfter: number[] };
  node: string;
  commit: string;
  settings: typeof settings;
  serviceEnv: Record<string, string>;
  /** The service's database in the main runs: PostgreSQL as deployed, or why not. */
  database: string;
  responses: Record<string, { status: number; bytes: number; cards: string[] }>;
  main: LoadResult[];
  /** (5), a call whose patient has no clinical records, and the bare route on its body: the cost of a call without clinical work. */
  fixedCost: { bare: LoadResult; service: LoadResult };
  scale: ScalePoint[];
  parallel: { delayMs: number; points: ParallelPoint[] };
  jwt: JwtResult[];
  /** Where the main thread's time goes in (2) and (1): sampled by V8's profiler during a load of their own. */
  layers: { service: LayerProfile; bare: LayerProfile };
  failures: string[];
}

const failures: string[] = [];
const t0 = performance.now();
const log = (line: string) => process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${line}\n`);

async function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, text: await res.text() };
}

/** One call before the load: the answer must be 200; its cards are recorded, its size is what the bare route mirrors. */
async function probe(name: string, url: string, body: string, responses: BenchResults['responses']): Promise<string> {
  const { status, text } = await post(url, body);
  let cards: string[] = [];
  try {
    cards = ((JSON.parse(text) as { cards?: { summary: string }[] }).cards ?? []).map((c) => c.summary);
  } catch {
    // recorded as a failure below
  }
  responses[name] = { status, bytes: Buffer.byteLength(text), cards };
  if (status !== 200) failures.push(`${name}: HTTP ${status}: ${text.slice(0, 300)}`);
  return text;
}

async function load(
  name: string,
  target: Target,
  path: string,
  body: string,
  responseBytes: number,
  connections: number,
  duration: number,
  warmup: number,
): Promise<LoadResult> {
  const opts = { url: `${target.url}${path}`, method: 'POST' as const, headers: { 'content-type': 'application/json' }, body, connections, timeout: 60 };
  if (warmup > 0) await autocannon({ ...opts, duration: warmup });
  await target.resetPeak();
  const before = await target.memory();
  // Smoke: a number of requests (fewer for big bodies), at least one per connection.
  const amount = Math.max(connections, Math.min(settings.requestsPerRun, Math.round((settings.requestsPerRun * 100 * 1024) / Buffer.byteLength(body))));
  const r: Result = await autocannon(settings.requestsPerRun > 0 ? { ...opts, amount } : { ...opts, duration });
  const after = await target.memory();
  const requests = r.requests.total;
  const result: LoadResult = {
    name,
    target: target.kind,
    connections,
    durationS: r.duration,
    requestBytes: Buffer.byteLength(body),
    responseBytes,
    requests,
    rps: requests / r.duration,
    latencyMs: { p50: r.latency.p50, p97_5: r.latency.p97_5, p99: r.latency.p99, max: r.latency.max, mean: r.latency.mean },
    errors: r.errors,
    non2xx: r.non2xx,
    memory: { before, after },
  };
  if (r.errors > 0 || r.non2xx > 0) failures.push(`${name}: ${r.errors} errors, ${r.non2xx} non-2xx answers`);
  if (requests === 0) failures.push(`${name}: no request completed`);
  log(
    `  ${name.padEnd(58)} ${result.rps.toFixed(1).padStart(8)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  peak RSS ${(after.peakRss / 2 ** 20).toFixed(0)} MiB`,
  );
  return result;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

/** N prefetch keys missing, fetched from a FHIR server that answers every request `delayMs` late. */
async function parallelPoint(service: Target, fhir: FhirServer, resources: Resource[], missing: string[], samples: number): Promise<ParallelPoint> {
  const body = JSON.stringify(patientViewBody(fullPrefetch(resources, missing), { fhirServer: fhir.url }));
  const url = `${service.url}/cds-services/nec-patient-view`;
  const call = async () => {
    const { status, text } = await post(url, body);
    if (status !== 200) failures.push(`parallel fetch (${missing.length} keys): HTTP ${status}: ${text.slice(0, 200)}`);
    if (text.includes('could not be read') || text.includes('did not answer'))
      failures.push(`parallel fetch (${missing.length} keys): the answer names unreadable data`);
  };
  for (let i = 0; i < 2; i++) await call();
  const hook: number[] = [];
  for (let i = 0; i < samples; i++) hook.push(await timed(call));

  const singleQueryMs: Record<string, number> = {};
  for (const key of missing) {
    const query = async () => {
      const res = await fetch(`${fhir.url}/${queryOf(key)}`, { headers: { accept: 'application/fhir+json' } });
      await res.text();
      if (!res.ok) failures.push(`single query ${key}: HTTP ${res.status}`);
    };
    await query();
    const times: number[] = [];
    for (let i = 0; i < samples; i++) times.push(await timed(query));
    singleQueryMs[key] = percentile(times, 50);
  }
  const slowestSingleMs = Math.max(...Object.values(singleQueryMs));
  const hookMs = { p50: percentile(hook, 50), p95: percentile(hook, 95), max: Math.max(...hook) };
  log(
    `  ${missing.length} key(s) missing: hook p50 ${hookMs.p50.toFixed(1)} ms, slowest single query ${slowestSingleMs.toFixed(1)} ms (× ${(hookMs.p50 / slowestSingleMs).toFixed(2)})`,
  );
  return { missingKeys: missing, hookMs, singleQueryMs, slowestSingleMs, ratio: hookMs.p50 / slowestSingleMs };
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadAverageBefore = os.loadavg();
  log(`nec-cds bench (${settings.mode}) on ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}`);

  const children: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    await Promise.allSettled(children.map((c) => c.stop()));
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

  let database: BenchDatabase | undefined;
  let databaseNote: string;
  try {
    database = startPostgres();
    databaseNote = database.origin;
  } catch (err) {
    databaseNote = `the embedded PGlite (no PostgreSQL could be started: ${((err as Error).message.split('\n')[0] ?? '').slice(0, 200)}); the RSS goal is then not the deployed configuration's`;
    log(`no PostgreSQL: ${databaseNote}`);
  }
  // As deployed (deploy/k8s): PostgreSQL, and the V8 limits of the image.
  const deployedEnv: Record<string, string> = {
    ...SERVICE_ENV,
    NODE_OPTIONS: deployedNodeOptions(),
    ...(database ? { DATABASE_URL: database.url } : {}),
  };
  const pgliteDir = mkdtempSync(join(os.tmpdir(), 'nec-cds-bench-pglite-'));
  try {
    const build = buildForBench();
    const [service, bare, fhir, slowFhir] = await Promise.all([
      startTarget(build, 'service', deployedEnv),
      startTarget(build, 'bare', { BODY_LIMIT_BYTES: BODY_LIMIT }),
      startFhirServer(build, 0),
      startFhirServer(build, settings.delayMs),
    ]);
    children.push(service, bare, fhir, slowFhir);

    const seed = fixtureResources();
    const bodies = {
      full: JSON.stringify(patientViewBody(fullPrefetch(seed))),
      missing: JSON.stringify(patientViewBody(undefined, { fhirServer: fhir.url })),
      orderSign: JSON.stringify(orderSignChemoBody(fullPrefetch(seed))),
    };
    const pv = '/cds-services/nec-patient-view';
    const responses: BenchResults['responses'] = {};
    const fullAnswer = await probe('patient-view, full prefetch', `${service.url}${pv}`, bodies.full, responses);
    await probe('patient-view, prefetch fetched from FHIR', `${service.url}${pv}`, bodies.missing, responses);
    await probe('order-sign, chemotherapy draft', `${service.url}/cds-services/nec-order-sign`, bodies.orderSign, responses);
    const [fullCards, missingCards] = [responses['patient-view, full prefetch']?.cards, responses['patient-view, prefetch fetched from FHIR']?.cards];
    if (JSON.stringify(fullCards) !== JSON.stringify(missingCards))
      failures.push('the fetched-prefetch answer does not have the cards of the full-prefetch answer');
    if (!responses['order-sign, chemotherapy draft']?.cards.some((c) => /dose/i.test(c)))
      failures.push('order-sign with the chemotherapy draft gave no dose card');
    await bare.setBareResponse('seed', fullAnswer);
    const fullBytes = Buffer.byteLength(fullAnswer);

    const c = settings.connections;
    const runLength = (d: number, w: number) =>
      settings.requestsPerRun > 0 ? `at most ${settings.requestsPerRun} requests each` : `${d} s each after ${w} s warm-up`;
    log(`main scenarios (${c} connections, ${runLength(settings.duration, settings.warmup)}):`);
    const main: LoadResult[] = [];
    const run = async (name: string, t: Target, path: string, body: string, bytes: number, connections = c) =>
      main.push(await load(name, t, path, body, bytes, connections, settings.duration, settings.warmup));
    await run('(1) bare route, seed-000 body', bare, '/bare/seed', bodies.full, fullBytes);
    await run('(2) nec-patient-view, seed-000, full prefetch', service, pv, bodies.full, fullBytes);
    await run(
      '(3) nec-patient-view, prefetch fetched from FHIR server',
      service,
      pv,
      bodies.missing,
      responses['patient-view, prefetch fetched from FHIR']!.bytes,
    );
    await run(
      '(4) nec-order-sign, chemotherapy draft (dose check)',
      service,
      '/cds-services/nec-order-sign',
      bodies.orderSign,
      responses['order-sign, chemotherapy draft']!.bytes,
    );
    await run('(1) bare route, seed-000 body (again, for drift)', bare, '/bare/seed', bodies.full, fullBytes);

    // The fixed cost of a call: the seed patient with no clinical records (the Patient alone, every search empty) gets
    // no card, so what is left is the HTTP stack, validation, an empty picture, every rule declining, the log line and
    // the metrics. Against the bare route on the same body, it says how much of (2)'s gap is the clinical work.
    const emptyBody = JSON.stringify(patientViewBody(fullPrefetch(seed.filter((r) => r.resourceType === 'Patient'))));
    const emptyAnswer = await probe('patient-view, no clinical records', `${service.url}${pv}`, emptyBody, responses);
    if ((responses['patient-view, no clinical records']?.cards.length ?? -1) !== 0) failures.push('the patient with no clinical records got cards');
    await bare.setBareResponse('empty', emptyAnswer);
    const emptyBytes = Buffer.byteLength(emptyAnswer);
    log(`fixed cost of a call (${c} connections):`);
    const fixedCost = {
      bare: await load('(1) bare route, no-records body', bare, '/bare/empty', emptyBody, emptyBytes, c, settings.duration, settings.warmup),
      service: await load('(5) nec-patient-view, no clinical records', service, pv, emptyBody, emptyBytes, c, settings.duration, settings.warmup),
    };
    log(`where the time goes (${settings.layerSeconds} s under V8's CPU profiler each):`);
    const layers = {
      service: await profileLayers(build, 'service', deployedEnv, pv, bodies.full, settings.layerSeconds),
      bare: await profileLayers(build, 'bare', { BODY_LIMIT_BYTES: BODY_LIMIT }, '/bare/seed', bodies.full, settings.layerSeconds, (t) =>
        t.setBareResponse('seed', fullAnswer),
      ),
    };
    for (const [name, profile] of Object.entries(layers)) {
      const total = profile.layers.reduce((sum, [, us]) => sum + us, 0);
      log(`  ${name}: ${total.toFixed(0)} µs of main thread per request (${profile.requests} requests)`);
    }

    // `npm start` without DATABASE_URL: the embedded PGlite in a folder, V8's default limits.
    const PGLITE = 'embedded PGlite store, default V8 limits (npm start without DATABASE_URL)';
    const embedded = await startTarget(build, 'service', { ...SERVICE_ENV, DATABASE_DIR: join(pgliteDir, 'data') });
    children.push(embedded);
    await post(`${embedded.url}${pv}`, bodies.full);
    const embeddedRun = await load(
      `(2) nec-patient-view, seed-000, full prefetch, ${PGLITE}`,
      embedded,
      pv,
      bodies.full,
      fullBytes,
      c,
      settings.duration,
      settings.warmup,
    );
    main.push({ ...embeddedRun, variant: PGLITE });
    await embedded.stop();
    if (settings.highConnections > 0) {
      await run(`(1) bare route, seed-000 body`, bare, '/bare/seed', bodies.full, fullBytes, settings.highConnections);
      await run(`(2) nec-patient-view, seed-000, full prefetch`, service, pv, bodies.full, fullBytes, settings.highConnections);
    }

    log(`scale curve (${runLength(settings.scaleDuration, settings.scaleWarmup)}):`);
    const scale: ScalePoint[] = [];
    const { NODE_OPTIONS: _deployedHeap, ...defaultHeapEnv } = deployedEnv;
    const defaultHeap = await startTarget(build, 'service', defaultHeapEnv);
    children.push(defaultHeap);
    for (const observations of settings.scaleSizes) {
      const resources = scaledPatient(observations);
      const body = JSON.stringify(patientViewBody(fullPrefetch(resources)));
      const name = `scale-${observations}`;
      const answer = await probe(`patient-view, ${observations} Observations`, `${service.url}${pv}`, body, responses);
      await bare.setBareResponse(name, answer);
      const bytes = Buffer.byteLength(answer);
      const bareResult = await load(
        `bare route, ${observations} Observations`,
        bare,
        `/bare/${name}`,
        body,
        bytes,
        c,
        settings.scaleDuration,
        settings.scaleWarmup,
      );
      const serviceResult = await load(
        `nec-patient-view, ${observations} Observations`,
        service,
        pv,
        body,
        bytes,
        c,
        settings.scaleDuration,
        settings.scaleWarmup,
      );
      const defaultHeapResult = await load(
        `nec-patient-view, ${observations} Observations, V8 default heap limits`,
        defaultHeap,
        pv,
        body,
        bytes,
        c,
        settings.scaleDuration,
        settings.scaleWarmup,
      );
      const count = resources.length;
      scale.push({
        observations,
        resources: count,
        requestBytes: Buffer.byteLength(body),
        bare: bareResult,
        service: serviceResult,
        serviceDefaultHeap: defaultHeapResult,
        usPerResource: {
          service: 1e6 / serviceResult.rps / count,
          bare: 1e6 / bareResult.rps / count,
          serviceDefaultHeap: 1e6 / defaultHeapResult.rps / count,
        },
        ratio: serviceResult.rps / bareResult.rps,
      });
    }

    await defaultHeap.stop();

    log(`parallel fetch (FHIR server answering every request ${settings.delayMs} ms late, ${settings.parallelSamples} calls each):`);
    const order = [
      'observations',
      'conditions',
      'medications',
      'reports',
      'medicationStatements',
      'medicationAdministrations',
      'serviceRequests',
      'procedures',
      'patient',
    ];
    if (order.length !== PREFETCH_KEYS.length || !order.every((k) => PREFETCH_KEYS.includes(k)))
      throw new Error('the prefetch keys changed: update bench/run.ts');
    const points: ParallelPoint[] = [];
    for (const n of settings.parallelKeys) points.push(await parallelPoint(service, slowFhir, seed, order.slice(0, n), settings.parallelSamples));

    log(`JWT verification (${settings.jwtTokens} tokens each):`);
    const jwt: JwtResult[] = [];
    for (const algorithm of ['ES384', 'RS384'] as const) {
      const r = await measureJwt(settings.jwtTokens, algorithm);
      jwt.push(r);
      log(`  ${algorithm} verify: mean ${r.verifyMicros.mean.toFixed(0)} µs, p99 ${r.verifyMicros.p99.toFixed(0)} µs`);
    }

    const results: BenchResults = {
      mode: settings.mode,
      date: new Date(started).toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        os: `${os.type()} ${os.release()} ${os.arch()}`,
        loadAverageBefore: loadAverageBefore.map((l) => Math.round(l * 100) / 100),
        loadAverageAfter: os.loadavg().map((l) => Math.round(l * 100) / 100),
      },
      node: process.version,
      commit: gitCommit(),
      settings,
      serviceEnv: database ? { ...deployedEnv, DATABASE_URL: 'postgres://…@127.0.0.1/… (below)' } : deployedEnv,
      database: databaseNote,
      responses,
      main,
      fixedCost,
      scale,
      parallel: { delayMs: settings.delayMs, points },
      jwt,
      layers,
      failures,
    };
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(join(outDir, 'RESULTS.md'), renderMarkdown(results));
    log(`written: ${join(outDir, 'RESULTS.md')} and results.json (${Math.round((Date.now() - started) / 1000)} s)`);
  } finally {
    await stopAll();
    database?.stop();
    rmSync(pgliteDir, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    log(`FAILED:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

await main();
