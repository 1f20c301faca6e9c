import type { BenchResults, LoadResult } from './run.js';

/** bench/RESULTS.md from bench/results.json: the tables, the goals of issue 7 as ratios to the bare route, and the caveats. */

const MIB = 2 ** 20;
const mb = (bytes: number) => (bytes / MIB).toFixed(0);
const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : '–');
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
let smokeRun = false;
const verdict = (ok: boolean) => (smokeRun ? 'not judged (smoke run)' : ok ? '**met**' : '**MISSED**');

/** Tolerance of "flat or falling": a larger patient may cost up to this much more per resource (run-to-run noise). */
const FLAT_TOLERANCE = 1.1;

function baseline(results: BenchResults, connections: number): { rps: number; p99: number; runs: LoadResult[] } {
  const runs = results.main.filter((r) => r.target === 'bare' && r.connections === connections);
  return { rps: mean(runs.map((r) => r.rps)), p99: mean(runs.map((r) => r.latencyMs.p99)), runs };
}

function evaluateGoals(results: BenchResults) {
  const c = results.settings.connections;
  const base = baseline(results, c);
  const pv = results.main.find((r) => r.name.startsWith('(2)') && r.connections === c && r.variant === undefined);
  const services = results.main.filter((r) => r.target === 'service' && r.variant === undefined && r.connections === c);
  const peakRss = Math.max(...services.map((r) => Math.max(r.memory.after.peakRss, r.memory.before.rss)));
  const curve = results.scale.map((p) => p.usPerResource.service);
  const flat = curve.every((v, i) => i === 0 || v <= (curve[i - 1] ?? Infinity) * FLAT_TOLERANCE);
  return {
    base,
    throughput: { value: pv ? pv.rps / base.rps : Number.NaN, ok: pv !== undefined && pv.rps >= 0.5 * base.rps },
    p99: { value: pv ? pv.latencyMs.p99 / base.p99 : Number.NaN, ok: pv !== undefined && pv.latencyMs.p99 <= 2 * base.p99 },
    scaleRatio: { value: Math.min(...results.scale.map((p) => p.ratio)), ok: results.scale.every((p) => p.ratio >= 0.5) },
    scaleFlat: { ok: flat },
    parallel: { value: Math.max(...results.parallel.points.map((p) => p.ratio)), ok: results.parallel.points.every((p) => p.ratio <= 1.3) },
    // 150 MB read strictly: 150 × 10⁶ bytes (143 MiB).
    rss: { value: peakRss, ok: peakRss <= 150e6 },
  };
}

function mainTable(results: BenchResults): string[] {
  const rows = [
    '| scenario | conn. | req/s | p50 ms | p97.5 ms | p99 ms | req/s ÷ (1) | p99 ÷ (1) | request | response | RSS before → after (peak) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of results.main) {
    const base = baseline(results, r.connections);
    const m = r.memory;
    rows.push(
      `| ${r.name} | ${r.connections} | ${f1(r.rps)} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p97_5)} | ${ms(r.latencyMs.p99)} | ${f2(r.rps / base.rps)} | ${f2(r.latencyMs.p99 / base.p99)} | ${kb(r.requestBytes)} KB | ${kb(r.responseBytes)} KB | ${mb(m.before.rss)} → ${mb(m.after.rss)} MiB (${mb(m.after.peakRss)} MiB) |`,
    );
  }
  return rows;
}

/** (5) and the bare route on its body: what a call costs before any clinical work, and what the clinical work adds. */
function fixedCostSection(results: BenchResults): string[] {
  const fixed = results.fixedCost;
  const seedCards = results.responses['patient-view, full prefetch']?.cards.length ?? 0;
  const us = (r: LoadResult) => 1e6 / r.rps;
  const seedRun = results.main.find((r) => r.name.startsWith('(2)') && !r.variant && r.connections === fixed.service.connections);
  const base = baseline(results, fixed.service.connections);
  const rows = [
    '## The fixed cost of a call ((5): the seed patient with no clinical records)',
    '',
    '| scenario | conn. | req/s | p50 ms | p99 ms | µs per request (1 ÷ req/s) | req/s ÷ bare on this body | request | response |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of [fixed.bare, fixed.service]) {
    rows.push(
      `| ${r.name} | ${r.connections} | ${f1(r.rps)} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p99)} | ${f1(us(r))} | ${f2(r.rps / fixed.bare.rps)} | ${kb(r.requestBytes)} KB | ${kb(r.responseBytes)} KB |`,
    );
  }
  rows.push(
    '',
    `The Patient alone, every other prefetch search an empty Bundle: no card, so (5) is the service's HTTP stack (security headers, CORS, validation, the log line, metrics), an empty picture and every rule declining. ` +
      `Its time per request is ${f1(us(fixed.service) - us(fixed.bare))} µs above the bare route's on the same body` +
      (seedRun
        ? `; (2) spends ${f1(us(seedRun) - us(fixed.service))} µs more than (5): reading seed 000's records, the rules that fire, ${seedCards} cards and their log. ` +
          `With no clinical work at all the service reaches ${f2(fixed.service.rps / fixed.bare.rps)} × its bare route; the bare route on the seed-000 body takes ${f1(1e6 / base.rps)} µs a request.`
        : '.'),
    '',
  );
  return rows;
}

function scaleTable(results: BenchResults): string[] {
  const rows = [
    '| Observations | resources | request | bare req/s | ours req/s | ours ÷ bare | ours µs / resource | bare µs / resource | ours − bare µs / resource | ours p50 / p99 ms | ours peak RSS | ours, V8 default heap: req/s (÷ bare), µs / resource, peak RSS |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|',
  ];
  for (const p of results.scale) {
    rows.push(
      `| ${p.observations.toLocaleString('en')} | ${p.resources.toLocaleString('en')} | ${kb(p.requestBytes)} KB | ${f1(p.bare.rps)} | ${f1(p.service.rps)} | ${f2(p.ratio)} | ${f1(p.usPerResource.service)} | ${f1(p.usPerResource.bare)} | ${f1(p.usPerResource.service - p.usPerResource.bare)} | ${ms(p.service.latencyMs.p50)} / ${ms(p.service.latencyMs.p99)} | ${mb(p.service.memory.after.peakRss)} MiB | ${f1(p.serviceDefaultHeap.rps)} (${f2(p.serviceDefaultHeap.rps / p.bare.rps)}), ${f1(p.usPerResource.serviceDefaultHeap)}, ${mb(p.serviceDefaultHeap.memory.after.peakRss)} MiB |`,
    );
  }
  return rows;
}

function parallelTable(results: BenchResults): string[] {
  const rows = [
    '| keys fetched | hook p50 ms | hook p95 / max ms | slowest single query (p50) ms | hook ÷ slowest | goal ≤ 1.3 |',
    '|---|---:|---:|---:|---:|---|',
  ];
  for (const p of results.parallel.points) {
    const slowest = Object.entries(p.singleQueryMs).sort((a, b) => b[1] - a[1])[0]?.[0] ?? '?';
    rows.push(
      `| ${p.missingKeys.length} (${p.missingKeys.join(', ')}) | ${ms(p.hookMs.p50)} | ${ms(p.hookMs.p95)} / ${ms(p.hookMs.max)} | ${ms(p.slowestSingleMs)} (${slowest}) | ${f2(p.ratio)} | ${verdict(p.ratio <= 1.3)} |`,
    );
  }
  return rows;
}

function layerTable(results: BenchResults): string[] {
  const { service, bare } = results.layers;
  const bareOf = new Map(bare.layers);
  const names = [...new Set([...service.layers.map(([n]) => n), ...bare.layers.map(([n]) => n)])];
  const sum = (layers: [string, number][]) => layers.reduce((s, [, us]) => s + us, 0);
  const serviceOf = new Map(service.layers);
  return [
    '| layer | (2) service µs | (1) bare µs |',
    '|---|---:|---:|',
    ...names.map((n) => `| ${n} | ${f1(serviceOf.get(n) ?? 0)} | ${f1(bareOf.get(n) ?? 0)} |`),
    `| **total** (${service.requests} and ${bare.requests} requests) | **${f1(sum(service.layers))}** | **${f1(sum(bare.layers))}** |`,
  ];
}

export function renderMarkdown(results: BenchResults): string {
  smokeRun = results.mode === 'smoke';
  const g = evaluateGoals(results);
  const c = results.settings.connections;
  const pv = results.main.find((r) => r.name.startsWith('(2)') && r.connections === c && r.variant === undefined);
  const embedded = results.main.find((r) => r.variant !== undefined);
  const [b1, b2] = g.base.runs;
  const drift = b1 && b2 ? Math.abs(b1.rps - b2.rps) / mean([b1.rps, b2.rps]) : 0;
  const perRequest = pv ? 1e6 / pv.rps : Number.NaN;
  const s = results.settings;
  const lines = [
    `# Benchmark results${results.mode === 'smoke' ? ' (SMOKE RUN: durations too short to mean anything)' : ''}`,
    '',
    `Generated by \`npm run ${results.mode === 'smoke' ? 'bench:smoke' : 'bench'}\` (bench/run.ts) on ${results.date}. What is measured and how: [README.md](README.md).`,
    '',
    `- Machine: ${results.machine.cpus} × ${results.machine.cpuModel}, ${results.machine.memoryGiB} GiB, ${results.machine.os}; load average before ${results.machine.loadAverageBefore.join(' / ')}, after ${results.machine.loadAverageAfter.join(' / ')}`,
    `- Node ${results.node}; commit ${results.commit}`,
    `- Load: autocannon 9.0.0 in the bench process, on the same ${results.machine.cpus} cores as the server under load (a child process) and, for (3), the embedded FHIR server (another child). Loopback only. ${s.requestsPerRun > 0 ? `Smoke: at most ${s.requestsPerRun} requests per run, no warm-up.` : `${s.duration} s per run after ${s.warmup} s warm-up; scale curve ${s.scaleDuration} s after ${s.scaleWarmup} s.`} The servers run as compiled JavaScript on plain \`node\` (bench/build.ts), as the Docker image runs \`dist/\`.`,
    `- Service: \`buildApp(loadConfig(env))\` as \`src/main.ts\` builds it, with ${Object.entries(results.serviceEnv)
      .map(([k, v]) => `\`${k}=${v}\``)
      .join(
        ', ',
      )}: **auth off** (see "JWT verification" for its cost), no rate limit (it would answer 429 to a load tool), logs at \`info\` written to /dev/null, clinical clock pinned to the fixtures' date (the golden tests' cards).`,
    `- Database of the service in (2)–(4), the scale curve and the parallel fetch: ${results.database}.`,
    `- Bare route (1): a Fastify POST route in its own process, same body limit and JSON parser, answering the service's own answer for that body (same size, serialised on each request).`,
    '',
    '## Goals (ratios to the bare route in this run)',
    '',
    `| goal | measured | |`,
    `|---|---|---|`,
    `| (2) req/s ≥ 0.5 × (1) at ${c} connections | ${f2(g.throughput.value)} × | ${verdict(g.throughput.ok)} |`,
    `| (2) p99 ≤ 2 × (1) p99 | ${f2(g.p99.value)} × | ${verdict(g.p99.ok)} |`,
    `| scale curve: every size ≥ 0.5 × the bare route on the same body | lowest ${f2(g.scaleRatio.value)} × | ${verdict(g.scaleRatio.ok)} |`,
    `| scale curve: µs per resource flat or falling (each size ≤ ${FLAT_TOLERANCE} × the previous) | ${results.scale.map((p) => f1(p.usPerResource.service)).join(' → ')} µs | ${verdict(g.scaleFlat.ok)} |`,
    `| missing prefetch: hook latency ≤ 1.3 × the slowest single FHIR query | worst ${f2(g.parallel.value)} × | ${verdict(g.parallel.ok)} |`,
    `| peak RSS under load ≤ 150 MB = 143 MiB (service as deployed: PostgreSQL, the image's NODE_OPTIONS; (2)–(4) at ${c} connections) | ${mb(g.rss.value)} MiB | ${verdict(g.rss.ok)} |`,
    '',
    `What the service adds per resource over the bare route (ours − bare, µs): ${results.scale.map((p) => f1(p.usPerResource.service - p.usPerResource.bare)).join(' → ')}.`,
    '',
    embedded
      ? `With the ${embedded.variant} (the (2) row carrying it): ${f1(embedded.rps)} req/s (${f2(embedded.rps / g.base.rps)} × (1)), p99 ${ms(embedded.latencyMs.p99)} ms, peak RSS ${mb(embedded.memory.after.peakRss)} MiB: PGlite is a PostgreSQL compiled to WebAssembly, in the service's own process (README, "Memory of the embedded database").`
      : '',
    '',
    `Baseline (1) is the mean of the bare runs at ${c} connections before and after the service runs: ${f1(g.base.rps)} req/s, p99 ${ms(g.base.p99)} ms${b1 && b2 ? ` (the two runs differ by ${(drift * 100).toFixed(0)} %${drift > 0.15 ? ': **noisy machine, read the ratios with care**' : ''})` : ''}.`,
    '',
    '## (1)–(4) side by side',
    '',
    ...mainTable(results),
    '',
    "The ratio columns compare each row with the bare route at the same number of connections. Latency is what autocannon measures on loopback (ms resolution). RSS is the server process's own (sampled every 20 ms and the kernel's VmHWM), reset before each run.",
    '',
    ...fixedCostSection(results),
    '## Scale curve (patient-view, full prefetch, seed 000 with more Observations)',
    '',
    ...scaleTable(results),
    '',
    "µs per resource = (1 s ÷ req/s) ÷ resources in the request: the server is single-threaded and saturated at this concurrency, so 1 ÷ req/s is its time per request. The bare route's column is the floor (reading and parsing the same body); \"ours − bare\" is what the service adds per resource (reading the resources, the picture, the rules, the cards), the fixed cost of a call spread over its resources. The goals are judged on the service as deployed (the image's NODE_OPTIONS); the last column is the same service with V8's default heap limits, a run of its own: what the cost per resource does when the garbage collector is not held to the image's limits. The 10,000-Observation request (6 MB) is above the deployed body limit (BODY_LIMIT_BYTES, 5 MiB by default; the bench raises it).",
    '',
    `## Parallel fetch (prefetch keys missing, FHIR server answering every request ${results.parallel.delayMs} ms late)`,
    '',
    ...parallelTable(results),
    '',
    `One call at a time (${s.parallelSamples} calls after 2 warm-ups); each single query is the same search run alone against the same server, ${s.parallelSamples} times, median. The hook's figure includes its own work and the FHIR server doing the searches of all the keys (its searches run one after another after their delays: it is one Node process).`,
    '',
    '## JWT verification (auth on)',
    '',
    `Not in the load runs: the verifier refuses a replayed \`jti\`, so every request needs a fresh token, and signing one per request in the load tool would take the CPU the server is measured on. Measured apart, with the service's verifier (\`createJwtVerifier\`, inline JWKS), on tokens signed beforehand, one verification after the other. The last column adds the cost to (2)'s ${f1(perRequest)} µs per request: an estimate, not a measurement.`,
    '',
    '| algorithm | tokens | verify mean µs | p50 | p99 | sign mean µs | (2) with auth on, estimated req/s (÷ (1)) |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...results.jwt.map((j) => {
      const rps = 1e6 / (perRequest + j.verifyMicros.mean);
      return `| ${j.algorithm} | ${j.tokens} | ${f1(j.verifyMicros.mean)} | ${f1(j.verifyMicros.p50)} | ${f1(j.verifyMicros.p99)} | ${f1(j.signMicros.mean)} | ${f1(rps)} (${f2(rps / g.base.rps)}) |`;
    }),
    '',
    '## Where the time goes ((2) and (1), main thread, µs per request)',
    '',
    ...layerTable(results),
    '',
    "Each server was started once more under V8's sampling profiler and loaded like (2) and (1); only the samples taken during the load count, each to the layer of the code it was in (a function's own time, callees apart), divided by the requests answered. The main thread only: V8's GC helper threads work on the other core besides. The same code costs 2–4 times more here than in a tight loop on its own (the picture of seed 000 takes ~55 µs in a loop): ten requests interleave, caches are cold, the load tool and PostgreSQL share the cores.",
    '',
    '## Answers checked before the load',
    '',
    '| request | HTTP | bytes | cards |',
    '|---|---:|---:|---|',
    ...Object.entries(results.responses).map(
      ([name, r]) => `| ${name} | ${r.status} | ${r.bytes} | ${r.cards.length}: ${r.cards.map((x) => x.replace(/\|/g, '\\|')).join(' · ')} |`,
    ),
    '',
    results.failures.length > 0 ? `## FAILURES\n\n${results.failures.map((f) => `- ${f}`).join('\n')}\n` : 'Every request of every run was answered 2xx.',
    '',
  ];
  return lines.join('\n');
}
