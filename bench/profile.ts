/**
 * In-process profiling aid (not part of `npm run bench`): calls patient-view through `app.inject` (no sockets) on seed
 * 000 scaled to N Observations, and prints the mean time per call. Run under the profiler:
 *
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile.ts 1000 200
 *
 * Arguments: Observations (default 1000), calls (default 200).
 */
import pino from 'pino';
import { buildApp, defaultDeps } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { CLINICAL_NOW, fullPrefetch, patientViewBody, scaledPatient } from './bodies.js';

const observations = Number(process.argv[2] ?? 1000);
const calls = Number(process.argv[3] ?? 200);

const config = loadConfig({ CDS_AUTH: 'disabled', LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '0', BODY_LIMIT_BYTES: String(100 * 1024 * 1024) });
const app = await buildApp(config, { ...defaultDeps(config), logger: pino({ level: 'silent' }), now: () => new Date(CLINICAL_NOW) });
const payload = JSON.stringify(patientViewBody(fullPrefetch(scaledPatient(observations))));
const call = async () => {
  const res = await app.inject({ method: 'POST', url: '/cds-services/nec-patient-view', payload, headers: { 'content-type': 'application/json' } });
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${res.body.slice(0, 300)}`);
  return res.body.length;
};
const size = await call();
for (let i = 0; i < Math.min(20, calls); i++) await call();
const started = performance.now();
for (let i = 0; i < calls; i++) await call();
const ms = (performance.now() - started) / calls;
console.log(
  `${observations} Observations, body ${(payload.length / 1024).toFixed(1)} KiB, response ${size} B: ${ms.toFixed(3)} ms per call (${((ms * 1000) / observations).toFixed(2)} µs per Observation)`,
);
await app.close();
