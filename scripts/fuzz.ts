/**
 * `npm run fuzz`: the full request fuzzing run of issue 8 — by default 100,000 generated CDS Hooks requests through
 * the whole app (`app.inject`, nothing listens, nothing leaves the machine), split over worker processes. Mix: 75 %
 * with auth off, 20 % with auth on and a valid token (so the body is reached), 5 % with hostile Authorization headers.
 * Every answer must be 2xx or 4xx, never 5xx, and every 4xx must carry a JSON body with a readable `message`.
 * Prints the count, the status histogram, the cases by kind, the duration; exits 1 if any answer broke the rule.
 *
 *   npm run fuzz [-- --count 100000] [--seed 20261123] [--workers 2] [--max-seconds 1800]
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import pino from 'pino';
import { buildApp, defaultDeps } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { badAuthorization, histogramLine, problemWith, requestCase, send, type App } from '../test/fuzz/request-arbitraries.js';
import { createTestIssuer } from '../test/helpers/jwt.js';
import { freePort } from '../test/helpers/service.js';

interface Args {
  count: number;
  seed: number;
  workers: number;
  maxSeconds: number;
  worker?: number;
}

interface WorkerResult {
  count: number;
  statuses: Record<string, number>;
  kinds: Record<string, number>;
  modes: Record<string, number>;
  problems: string[];
  problemCount: number;
  stoppedEarly: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { count: 100_000, seed: 20_261_123, workers: Math.min(2, availableParallelism()), maxSeconds: 1800 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const n = Number(value);
    if (flag === '--count' && Number.isInteger(n) && n > 0) args.count = n;
    else if (flag === '--seed' && Number.isInteger(n)) args.seed = n;
    else if (flag === '--workers' && Number.isInteger(n) && n > 0) args.workers = n;
    else if (flag === '--max-seconds' && n > 0) args.maxSeconds = n;
    else if (flag === '--worker' && Number.isInteger(n)) args.worker = n;
    else {
      console.error(`unknown or bad argument: ${flag} ${value ?? ''}\nusage: npm run fuzz [-- --count N] [--seed S] [--workers W] [--max-seconds T]`);
      process.exit(2);
    }
    i++;
  }
  return args;
}

const BASE = 'http://fuzz.test';
const BATCH = 500;

async function fuzzApp(env: Record<string, string>): Promise<App> {
  const config = loadConfig({ PUBLIC_BASE_URLS: BASE, RATE_LIMIT_MAX: '0', HOOK_DEADLINE_MS: '1000', ...env });
  return buildApp(config, { ...defaultDeps(config), logger: pino({ level: 'silent' }) });
}

/** One worker: `count` cases from its own seed, in batches, until done or out of time. */
async function runWorker(args: Args & { worker: number }): Promise<WorkerResult> {
  const deadline = Date.now() + args.maxSeconds * 1000;
  const closedFhirServer = `http://127.0.0.1:${await freePort()}/fhir`;
  const issuer = await createTestIssuer();
  const open = await fuzzApp({ CDS_AUTH: 'disabled' });
  const secured = await fuzzApp({ CDS_AUTH: 'required', CDS_TRUSTED_CLIENTS: JSON.stringify([issuer.trustedClient]) });
  const cases = requestCase({ closedFhirServer });
  const result: WorkerResult = { count: 0, statuses: {}, kinds: {}, modes: {}, problems: [], problemCount: 0, stoppedEarly: false };
  const bump = (record: Record<string, number>, key: string) => (record[key] = (record[key] ?? 0) + 1);

  for (let batch = 0; result.count < args.count; batch++) {
    if (Date.now() > deadline) {
      result.stoppedEarly = true;
      break;
    }
    const seed = args.seed + args.worker * 1_000_003 + batch;
    const n = Math.min(BATCH, args.count - result.count);
    const sample = fc.sample(fc.tuple(cases, badAuthorization), { seed, numRuns: n });
    for (const [c, hostile] of sample) {
      const slot = result.count % 20;
      const mode = slot < 15 ? 'auth-off' : slot < 19 ? 'auth-on-valid-token' : 'auth-on-hostile-header';
      let answer;
      if (mode === 'auth-off') answer = await send(open, c);
      else if (mode === 'auth-on-valid-token') answer = await send(secured, c, `Bearer ${await issuer.sign({ aud: `${BASE}${c.url.split('?')[0]}` })}`);
      else answer = await send(secured, c, hostile);
      result.count++;
      bump(result.statuses, String(answer.status));
      bump(result.kinds, c.kind);
      bump(result.modes, mode);
      const problem = problemWith(c, answer);
      if (problem) {
        result.problemCount++;
        if (result.problems.length < 20) result.problems.push(`[${mode}, seed ${seed}] ${c.method} ${c.url.slice(0, 120)} (${c.kind}) → ${problem}`);
      }
    }
    if (result.count % 10_000 < BATCH) console.error(`worker ${args.worker}: ${result.count}/${args.count}`);
  }
  await open.close();
  await secured.close();
  return result;
}

function runChild(args: Args, worker: number, count: number): Promise<WorkerResult> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', script, '--worker', String(worker), '--count', String(count), '--seed', String(args.seed), '--max-seconds', String(args.maxSeconds)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as WorkerResult);
      } catch {
        reject(new Error(`worker ${worker} exited ${code} without a result:\n${out.slice(-2000)}`));
      }
    });
  });
}

function merge(results: WorkerResult[]): WorkerResult {
  const sum = (pick: (r: WorkerResult) => Record<string, number>) => {
    const total: Record<string, number> = {};
    for (const r of results) for (const [k, v] of Object.entries(pick(r))) total[k] = (total[k] ?? 0) + v;
    return total;
  };
  return {
    count: results.reduce((n, r) => n + r.count, 0),
    statuses: sum((r) => r.statuses),
    kinds: sum((r) => r.kinds),
    modes: sum((r) => r.modes),
    problems: results.flatMap((r) => r.problems).slice(0, 20),
    problemCount: results.reduce((n, r) => n + r.problemCount, 0),
    stoppedEarly: results.some((r) => r.stoppedEarly),
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.worker !== undefined) {
    const result = await runWorker({ ...args, worker: args.worker });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const started = performance.now();
  console.log(`request fuzzing: ${args.count} requests, seed ${args.seed}, ${args.workers} worker(s), at most ${args.maxSeconds} s`);
  const shares = Array.from({ length: args.workers }, (_, i) => Math.floor(args.count / args.workers) + (i < args.count % args.workers ? 1 : 0));
  const total = merge(await Promise.all(shares.map((n, i) => runChild(args, i, n))));
  const seconds = (performance.now() - started) / 1000;
  const line = (record: Record<string, number>) => histogramLine(new Map(Object.entries(record)));
  const fiveXx = Object.entries(total.statuses)
    .filter(([s]) => Number(s) >= 500)
    .reduce((n, [, v]) => n + v, 0);
  console.log(`requests:         ${total.count}${total.stoppedEarly ? ` (stopped at the ${args.maxSeconds} s limit)` : ''}`);
  console.log(`status histogram: ${line(total.statuses)}`);
  console.log(`5xx:              ${fiveXx}`);
  console.log(`by mode:          ${line(total.modes)}`);
  console.log(`by kind:          ${line(total.kinds)}`);
  console.log(`duration:         ${seconds.toFixed(1)} s (${Math.round(total.count / seconds)} requests/s)`);
  console.log(`problems:         ${total.problemCount}`);
  for (const p of total.problems) console.log(`  ${p}`);
  if (total.problemCount > 0 || total.count === 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
