/**
 * Profiling aid (not part of `npm run bench`): the compiled service in a child process under `--cpu-prof`, loaded by
 * autocannon with patient-view on seed 000 scaled to N Observations; the .cpuprofile is written to DIR when the child
 * exits (open it in Chrome DevTools → Performance, or any cpuprofile viewer).
 *
 *   tsx bench/profile-load.ts [Observations=8] [seconds=10] [DIR=/tmp/nec-cds-prof]   (DIR `none`: no profile)
 */
import autocannon from 'autocannon';
import { buildForBench } from './build.js';
import { CLINICAL_NOW, fullPrefetch, patientViewBody, scaledPatient } from './bodies.js';
import { startTarget } from './processes.js';

const observations = Number(process.argv[2] ?? 8);
const seconds = Number(process.argv[3] ?? 10);
const dir = process.argv[4] ?? '/tmp/nec-cds-prof';
if (dir !== 'none') process.env.BENCH_CPU_PROF = dir;

const service = await startTarget(buildForBench(), 'service', {
  CDS_AUTH: 'disabled',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  RATE_LIMIT_MAX: '0',
  BODY_LIMIT_BYTES: String(64 * 1024 * 1024),
  BENCH_CLINICAL_NOW: CLINICAL_NOW,
});
try {
  const body = JSON.stringify(patientViewBody(fullPrefetch(scaledPatient(observations))));
  const r = await autocannon({
    url: `${service.url}/cds-services/nec-patient-view`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: 10,
    duration: seconds,
  });
  console.log(`${(r.requests.total / r.duration).toFixed(1)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}; profile in ${dir}`);
} finally {
  await service.stop();
}
