import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { type Build, startTarget } from './processes.js';

/**
 * Where a server's time goes under load: the server runs once more under V8's CPU profiler while autocannon loads
 * it, and the samples taken during the load (not start-up) are sorted into layers by the code they were in (the
 * innermost frame: a function's own time, not its callees'). µs per request = the layer's sampled time ÷ requests.
 * Sampling, so ±1 µs on small layers; the main thread only (GC helper threads are not in it).
 */

export interface LayerProfile {
  requests: number;
  /** Layer → µs of the main thread per request, largest first. */
  layers: [string, number][];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** First match wins: a frame's script or function name → the layer it belongs to. */
const LAYERS: [string, (url: string, fn: string) => boolean][] = [
  ['request JSON parse (secure-json-parse)', (u) => u.includes('/secure-json-parse/')],
  ['answer serialisation (JSON.stringify in Fastify reply)', (u, f) => u.includes('/fastify/lib/reply.js') && f === 'serialize'],
  [
    'socket writes and HTTP (node:net, node:http, streams)',
    (u, f) => /^node:(net|_http|internal\/(stream|streams|http))/.test(u) || f === 'writev' || f === 'writeUtf8String',
  ],
  ['Fastify routing, hooks and reply', (u) => /\/(fastify|find-my-way|light-my-request|avvio|@fastify\/(?!helmet|cors|rate-limit))/.test(u)],
  ['security headers, CORS, rate limit plugins', (u) => /\/@fastify\/(helmet|cors|rate-limit)\/|\/helmet\//.test(u)],
  ['request validation (zod)', (u) => u.includes('/zod/')],
  ['logging (pino, redaction)', (u) => /\/(pino|@pinojs|sonic-boom|thread-stream)\//.test(u)],
  ['metrics (prom-client, fastify-metrics)', (u) => /\/(prom-client|fastify-metrics)\//.test(u) || u.includes('/src/hooks/metrics.')],
  [
    'card store (Kysely, pg, PGlite, src/store)',
    (u) => /\/(kysely|pg|pg-protocol|pg-pool|pglite|@electric-sql)\//.test(u) || u.includes('/src/store/') || u.startsWith('wasm'),
  ],
  ['patient picture (src/fhir)', (u) => u.includes('/src/fhir/')],
  ['rules (src/engine)', (u) => u.includes('/src/engine/')],
  ['cards (src/hooks/cards)', (u) => u.includes('/src/hooks/cards/')],
  ['hook route, validation glue, card log (src/hooks, src/app)', (u) => u.includes('/src/hooks/') || u.includes('/src/app.')],
  ['regular expressions (native)', (u, f) => u === '' && f.startsWith('RegExp:')],
  ['garbage collection', (u, f) => f === '(garbage collector)'],
  ['idle', (u, f) => f === '(idle)'],
  ['crypto (uuids, hashes)', (u) => u.startsWith('node:internal/crypto') || u === 'node:crypto'],
  ['timers, abort signals, promises', (u, f) => /^node:internal\/(timers|abort_controller|event_target|process\/task_queues)/.test(u) || f === 'runMicrotasks'],
];

function layerOf(url: string, fn: string): string {
  for (const [name, test] of LAYERS) if (test(url, fn)) return name;
  return 'other (Node internals, V8 builtins)';
}

/**
 * Loads `url` with `body` for `seconds` on a fresh server started under the profiler, and sorts its samples.
 * @param env - the server's environment (the deployed service's, or the bare route's)
 * @param prepare - run against the fresh server before the load (the bare route needs its answer)
 */
export async function profileLayers(
  build: Build,
  kind: 'service' | 'bare',
  env: Record<string, string>,
  path: string,
  body: string,
  seconds: number,
  prepare?: (target: Awaited<ReturnType<typeof startTarget>>) => Promise<void>,
): Promise<LayerProfile> {
  const dir = mkdtempSync(join(os.tmpdir(), 'nec-cds-layers-'));
  try {
    const target = await startTarget(build, kind, env, dir);
    await prepare?.(target);
    const opts = { url: `${target.url}${path}`, method: 'POST' as const, headers: { 'content-type': 'application/json' }, body, connections: 10 };
    await autocannon({ ...opts, duration: 1 });
    // V8's profile clock and process.hrtime are both CLOCK_MONOTONIC (µs and ns): the load window in the profile's time.
    const from = Number(process.hrtime.bigint() / 1000n);
    const result = await autocannon({ ...opts, duration: seconds });
    const to = Number(process.hrtime.bigint() / 1000n);
    await target.stop();
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no CPU profile written for the ${kind} server`);
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const totals = new Map<string, number>();
    let t = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      const delta = profile.timeDeltas[i] ?? 0;
      t += delta;
      if (t < from || t > to) continue;
      const node = byId.get(profile.samples[i]!);
      if (!node) continue;
      const layer = layerOf(node.callFrame.url, node.callFrame.functionName);
      // A sample stands for the time until the next one.
      totals.set(layer, (totals.get(layer) ?? 0) + (profile.timeDeltas[i + 1] ?? delta));
    }
    const requests = result.requests.total;
    return {
      requests,
      layers: [...totals].map(([name, us]): [string, number] => [name, us / requests]).sort((a, b) => b[1] - a[1]),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
