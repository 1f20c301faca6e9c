/**
 * `npm run soak [-- --seconds 300]`: mixed traffic against the service for a bounded time (default 5 minutes,
 * loopback only), then a report: requests, errors (non-2xx, timeouts), and the service process's RSS at the start,
 * the middle and the end — growth beyond noise would be a leak.
 *
 * The service runs as a child process (`npm start`'s code, auth off: replay protection needs a fresh JWT per request,
 * which a load tool cannot sign; JWT cost is measured in bench/), its FHIR server the embedded one (another child).
 * Traffic: patient-view with full prefetch for every demo patient, patient-view fetching from the FHIR server,
 * order-sign with a chemotherapy draft, and feedback, in rotation.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, Resource } from 'fhir/r4.js';
import autocannon from 'autocannon';
import { fullPrefetch } from '../src/embedded-fhir/full-prefetch.js';
import { projectPath } from '../src/paths.js';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] ?? NaN) || 300;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function child(args: string[], env: Record<string, string>, ready: RegExp) {
  const proc = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: projectPath(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = new Promise<void>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (ready.test(out)) resolve();
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`${args[0]} exited (${code}):\n${out.slice(-2000)}`)));
  });
  return { proc, started };
}

/** The uuid of the first card a patient-view call returns (the soak's feedback names it). */
async function firstCardUuid(base: string, prefetch: Record<string, unknown>, context: Record<string, string>): Promise<string> {
  const res = await fetch(`${base}/cds-services/nec-patient-view`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hook: 'patient-view', hookInstance: 'soak-first', context, prefetch }),
  });
  const uuid = ((await res.json()) as { cards?: { uuid: string }[] }).cards?.[0]?.uuid;
  if (!res.ok || !uuid) throw new Error(`soak: patient-view answered ${res.status} without a card to give feedback on`);
  return uuid;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

const resourcesOf = (bundle: Bundle) => (bundle.entry ?? []).map((e) => e.resource).filter((r): r is Resource => r !== undefined);

async function main() {
  const [fhirPort, port] = [await freePort(), await freePort()];
  const fhir = child(['src/embedded-fhir/main.ts'], { FHIR_SANDBOX_PORT: String(fhirPort), LOG_LEVEL: 'warn' }, /ready at/);
  // The embedded database on disk, as `npm start` runs it, in a folder of its own (removed at the end).
  const databaseDir = mkdtempSync(join(tmpdir(), 'nec-cds-soak-db-'));
  const service = child(
    ['src/main.ts'],
    { PORT: String(port), HOST: '127.0.0.1', CDS_AUTH: 'disabled', LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '0', DATABASE_DIR: databaseDir },
    /CDS_AUTH=disabled/,
  );
  await Promise.all([fhir.started, service.started]);
  await new Promise((r) => setTimeout(r, 500));
  const base = `http://127.0.0.1:${port}`;
  const fhirUrl = `http://127.0.0.1:${fhirPort}/fhir`;

  const bundles = readdirSync(projectPath('fixtures/patients'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(projectPath('fixtures/patients', f), 'utf8')) as Bundle);
  const ids = bundles.map((b) => b.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource?.id ?? '');
  const context = (patientId: string) => ({ userId: 'Practitioner/soak', patientId });
  const drafts = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        resource: {
          resourceType: 'MedicationRequest',
          id: 'soak-carbo',
          status: 'draft',
          intent: 'order',
          subject: { reference: 'Patient/seed-004-sigmoid-nec' },
          medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '40048' }], text: 'carboplatin 700 mg IV' },
          dosageInstruction: [{ doseAndRate: [{ doseQuantity: { value: 700, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }] }],
        },
      },
    ],
  };
  const bodies = [
    ...bundles.map((b, i) => ({
      path: '/cds-services/nec-patient-view',
      body: { hook: 'patient-view', hookInstance: `soak-${i}`, context: context(ids[i]!), prefetch: fullPrefetch(resourcesOf(b)) },
    })),
    {
      path: '/cds-services/nec-patient-view',
      body: { hook: 'patient-view', hookInstance: 'soak-fetch', fhirServer: fhirUrl, context: context('seed-000-nepc-liver') },
    },
    {
      path: '/cds-services/nec-order-sign',
      body: {
        hook: 'order-sign',
        hookInstance: 'soak-sign',
        context: { ...context('seed-004-sigmoid-nec'), draftOrders: drafts },
        prefetch: fullPrefetch(resourcesOf(bundles[ids.indexOf('seed-004-sigmoid-nec')]!)),
      },
    },
    {
      // Feedback must name a card the service returned (unknown cards get 404): one fetched before the load starts.
      // Repeats of the same feedback are idempotent, so every one is a lookup and a no-op write in the store.
      path: '/cds-services/nec-patient-view/feedback',
      body: {
        feedback: [
          {
            card: await firstCardUuid(base, fullPrefetch(resourcesOf(bundles[ids.indexOf('seed-000-nepc-liver')]!)), context('seed-000-nepc-liver')),
            outcome: 'overridden',
            outcomeTimestamp: '2026-11-23T09:00:00Z',
          },
        ],
      },
    },
  ].map(({ path, body }) => ({ method: 'POST' as const, path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));

  const rss = { start: rssMiB(service.proc.pid!), middle: 0, end: 0 };
  const middle = setTimeout(() => (rss.middle = rssMiB(service.proc.pid!)), (seconds * 1000) / 2);
  console.log(`soak: ${seconds} s of mixed traffic (${bodies.length} request kinds) against ${base}, 10 connections, loopback only`);
  // `requests` (a rotation of request kinds) is an autocannon option the local type declaration (bench/) leaves out.
  const options = { url: base, connections: 10, duration: seconds, requests: bodies, timeout: 10 };
  const result = await autocannon(options as Parameters<typeof autocannon>[0]);
  clearTimeout(middle);
  rss.end = rssMiB(service.proc.pid!);
  const errors = result.non2xx + result.errors + result.timeouts;
  console.log(
    `requests: ${result.requests.total}, ${Math.round(result.requests.average)} req/s; errors: ${errors} (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`,
  );
  console.log(`latency: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`);
  console.log(`service RSS: start ${rss.start} MiB, middle ${rss.middle || 'n/a'} MiB, end ${rss.end} MiB`);
  fhir.proc.kill('SIGTERM');
  await new Promise<void>((resolve) => {
    service.proc.once('exit', () => resolve());
    service.proc.kill('SIGTERM');
  });
  rmSync(databaseDir, { recursive: true, force: true });
  process.exit(errors > 0 ? 1 : 0);
}

void main();
