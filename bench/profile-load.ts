/**
 * Profiling aid (not part of `npm run bench`): a compiled server in a child process, under `--cpu-prof`, loaded by
 * autocannon with patient-view on seed 000 scaled to N Observations; the .cpuprofile is written to DIR when the child
 * exits (open it in Chrome DevTools → Performance, or any cpuprofile viewer). Prints req/s, latency and the CPU the
 * server process used (user + system, from /proc): at 100 % it is saturated, below it the load tool is the limit.
 *
 *   tsx bench/profile-load.ts [Observations=8] [seconds=10] [DIR=/tmp/nec-cds-prof] [service|bare]   (DIR `none`: no profile)
 *
 * BENCH_CONNECTIONS (default 10) sets autocannon's connections; 1 shows the cost of a call without queueing.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { buildForBench } from './build.js';
import { CLINICAL_NOW, fullPrefetch, patientViewBody, scaledPatient } from './bodies.js';
import { startTarget } from './processes.js';

const observations = Number(process.argv[2] ?? 8);
const seconds = Number(process.argv[3] ?? 10);
const dir = process.argv[4] ?? '/tmp/nec-cds-prof';
const kind = process.argv[5] === 'bare' ? 'bare' : 'service';
if (dir !== 'none') process.env.BENCH_CPU_PROF = dir;

/** CPU seconds (user + system) a process has used so far (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const target = await startTarget(buildForBench(), kind, {
  CDS_AUTH: 'disabled',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  RATE_LIMIT_MAX: '0',
  BODY_LIMIT_BYTES: String(64 * 1024 * 1024),
  BENCH_CLINICAL_NOW: CLINICAL_NOW,
});
try {
  const body = JSON.stringify(patientViewBody(fullPrefetch(scaledPatient(observations))));
  const service = `${target.url}/cds-services/nec-patient-view`;
  let url = service;
  if (kind === 'bare') {
    const other = await startTarget(buildForBench(), 'service', {
      CDS_AUTH: 'disabled',
      RATE_LIMIT_MAX: '0',
      BODY_LIMIT_BYTES: String(64 * 1024 * 1024),
      BENCH_CLINICAL_NOW: CLINICAL_NOW,
    });
    const answer = await fetch(`${other.url}/cds-services/nec-patient-view`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await target.setBareResponse('profile', await answer.text());
    await other.stop();
    url = `${target.url}/bare/profile`;
  }
  await target.resetPeak();
  const before = cpuSeconds(target.pid);
  const r = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: Number(process.env.BENCH_CONNECTIONS ?? 10),
    duration: seconds,
  });
  const cpu = (cpuSeconds(target.pid) - before) / r.duration;
  const rps = r.requests.total / r.duration;
  const memory = await target.memory();
  console.log(
    `${kind}: ${rps.toFixed(1)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}; ` +
      `server CPU ${(cpu * 100).toFixed(0)} % (${((cpu / rps) * 1e6).toFixed(0)} µs a request), peak RSS ${(memory.peakRss / 2 ** 20).toFixed(0)} MiB; profile in ${dir}`,
  );
} finally {
  await target.stop();
}
