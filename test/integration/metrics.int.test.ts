import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Resource } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fullPrefetch } from '../../src/embedded-fhir/full-prefetch.js';
import { readFixtureBundles, SEED_000, STOP_ADT, type CdsResponse } from '../helpers/cards.js';
import { createTestIssuer } from '../helpers/jwt.js';
import { patientViewRequest, SERVICE_ID } from '../helpers/requests.js';
import { freePort, startService, type RunningService } from '../helpers/service.js';

/**
 * Issue 9, Prometheus metrics over real HTTP: a hook call shows up in `GET /metrics` as a request of its service
 * with its status, in the latency histogram, and as cards per rule; a FHIR server that fails shows up in the FHIR
 * error counter. `/metrics` needs no JWT, is not in the info log, carries no patient id, and is gone with
 * METRICS=disabled.
 */

const NOW = new Date('2026-11-23T09:00:00Z');
const PATIENT_VIEW = `/cds-services/${SERVICE_ID['patient-view']}`;
/** An id under which an EHR registered our patient-view service (CDS_SERVICE_ALIASES). */
const EHR_ALIAS = 'ehr-registered-pv';
const seedResources = (readFixtureBundles().get(SEED_000)?.entry ?? []).map((e) => e.resource).filter((r): r is Resource => r !== undefined);

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments dropped). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key ?? ''] = value ?? '';
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample named `name` whose labels include `labels` (0 when there is none). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string>): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}

async function scrape(service: RunningService): Promise<Sample[]> {
  const res = await service.call('/metrics', { token: null, headers: { accept: 'text/plain' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(res.text);
}

/** A FHIR server that answers every request with 503. */
async function failingFhirServer(): Promise<{ base: string; requests: () => number; stop: () => Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((_req, res) => {
    requests += 1;
    res
      .writeHead(503, { 'content-type': 'application/fhir+json' })
      .end('{"resourceType":"OperationOutcome","issue":[{"severity":"fatal","code":"transient"}]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`,
    requests: () => requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('GET /metrics after hook calls (auth off)', () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService({ now: () => NOW, env: { CDS_SERVICE_ALIASES: JSON.stringify({ [EHR_ALIAS]: SERVICE_ID['patient-view'] }) } });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('counts the call by service and status, times it in the histogram, and counts its cards by rule and indicator', async () => {
    const before = await scrape(service);
    const countLabels = { method: 'POST', route: '/cds-services/:id', status_code: '200', service: SERVICE_ID['patient-view'] };
    const res = await service.call<CdsResponse>(PATIENT_VIEW, { json: patientViewRequest(SEED_000, { prefetch: fullPrefetch(seedResources) }) });
    expect(res.status).toBe(200);
    expect(res.body.cards.map((c) => c.source.topic?.code)).toContain(STOP_ADT);

    const after = await scrape(service);
    expect(valueOf(after, 'http_request_duration_seconds_count', countLabels) - valueOf(before, 'http_request_duration_seconds_count', countLabels)).toBe(1);
    const buckets = after.filter((s) => s.name === 'http_request_duration_seconds_bucket' && s.labels.service === countLabels.service);
    expect(buckets.length).toBeGreaterThan(3);
    expect(buckets.find((b) => b.labels.le === '+Inf')?.value).toBe(valueOf(after, 'http_request_duration_seconds_count', countLabels));
    expect(valueOf(after, 'http_request_duration_seconds_sum', countLabels)).toBeGreaterThan(0);

    const expected = new Map<string, number>();
    for (const card of res.body.cards) {
      const key = `${card.source.topic?.code}|${card.indicator}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    for (const [key, count] of expected) {
      const [rule = '', indicator = ''] = key.split('|');
      const labels = { service: SERVICE_ID['patient-view'], rule, indicator };
      expect(valueOf(after, 'nec_cds_cards_total', labels) - valueOf(before, 'nec_cds_cards_total', labels), key).toBe(count);
    }
  });

  it('labels requests by route template, never by the raw URL, and shows no patient id', async () => {
    const unknownId = 'no-such-service-7f3a';
    const unknown = await service.call(`/cds-services/${unknownId}`, { json: patientViewRequest(SEED_000) });
    expect(unknown.status).toBe(404);
    const res = await service.call('/metrics', { token: null });
    expect(res.text).toContain('status_code="404"');
    expect(res.text).not.toContain(unknownId);
    expect(res.text).not.toContain(SEED_000);
    expect(res.text).not.toMatch(/route="\/cds-services\/(?!:id)/);
  });

  it('counts a call by a service alias under the service it names', async () => {
    const labels = { route: '/cds-services/:id', status_code: '200', service: SERVICE_ID['patient-view'] };
    const before = valueOf(await scrape(service), 'http_request_duration_seconds_count', labels);
    const res = await service.call<CdsResponse>(`/cds-services/${EHR_ALIAS}`, {
      json: patientViewRequest(SEED_000, { prefetch: fullPrefetch(seedResources) }),
    });
    expect(res.status).toBe(200);
    const after = await scrape(service);
    expect(valueOf(after, 'http_request_duration_seconds_count', labels) - before).toBe(1);
    expect(after.some((s) => Object.values(s.labels).includes(EHR_ALIAS))).toBe(false);
  });

  it('serves the Node process metrics (memory) next to the app metrics', async () => {
    const samples = await scrape(service);
    expect(samples.some((s) => s.name === 'process_resident_memory_bytes' && s.value > 0)).toBe(true);
  });

  it('keeps scrapes out of the info log, like the probes', async () => {
    await scrape(service);
    const mentions = service.logRecords().filter((r) => JSON.stringify(r).includes('/metrics'));
    expect(mentions).toEqual([]);
  });

  it('counts a FHIR server answering 503 as an http_5xx error of the resource type queried', async () => {
    const fhir = await failingFhirServer();
    try {
      const labels = { resource_type: 'Observation', kind: 'http_5xx' };
      const before = valueOf(await scrape(service), 'nec_cds_fhir_fetch_errors_total', labels);
      const request = patientViewRequest(SEED_000, { fhirServer: fhir.base, prefetch: fullPrefetch(seedResources, ['observations']) });
      const res = await service.call<CdsResponse>(PATIENT_VIEW, { json: request });
      expect(res.status).toBe(200);
      expect(fhir.requests()).toBe(1);
      const after = await scrape(service);
      expect(valueOf(after, 'nec_cds_fhir_fetch_errors_total', labels) - before).toBe(1);
    } finally {
      await fhir.stop();
    }
  });

  it('counts an unreachable FHIR server as a network error, one per query', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/fhir`;
    const omitted = ['conditions', 'reports'];
    const before = await scrape(service);
    const res = await service.call<CdsResponse>(PATIENT_VIEW, {
      json: patientViewRequest(SEED_000, { fhirServer: closed, prefetch: fullPrefetch(seedResources, omitted) }),
    });
    expect(res.status).toBe(200);
    const after = await scrape(service);
    for (const resourceType of ['Condition', 'DiagnosticReport']) {
      const labels = { resource_type: resourceType, kind: 'network' };
      expect(valueOf(after, 'nec_cds_fhir_fetch_errors_total', labels) - valueOf(before, 'nec_cds_fhir_fetch_errors_total', labels), resourceType).toBe(1);
    }
  });
});

describe('a FHIR server that never answers', () => {
  it('counts a timeout (FHIR_TIMEOUT_MS passed well before the hook deadline)', async () => {
    const sockets = new Set<Socket>();
    const hanging = createServer(() => undefined); // accepts, never answers
    hanging.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const service = await startService({ now: () => NOW, env: { FHIR_TIMEOUT_MS: '200', HOOK_DEADLINE_MS: '5000' } });
    try {
      const base = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/fhir`;
      const res = await service.call<CdsResponse>(PATIENT_VIEW, {
        json: patientViewRequest(SEED_000, { fhirServer: base, prefetch: fullPrefetch(seedResources, ['procedures']) }),
      });
      expect(res.status).toBe(200);
      expect(valueOf(await scrape(service), 'nec_cds_fhir_fetch_errors_total', { resource_type: 'Procedure', kind: 'timeout' })).toBe(1);
    } finally {
      await service.stop();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    }
  });
});

describe('GET /metrics with auth on', () => {
  it('needs no JWT, while the CDS routes still do', async () => {
    const service = await startService({ issuer: await createTestIssuer() });
    try {
      expect((await service.call('/cds-services', { token: null })).status).toBe(401);
      const res = await service.call('/metrics', { token: null });
      expect(res.status).toBe(200);
      expect(res.text).toContain('# TYPE http_request_duration_seconds histogram');
      expect(res.text).toContain('route="/cds-services",status_code="401"');
    } finally {
      await service.stop();
    }
  });
});

describe('METRICS=disabled', () => {
  it('answers 404 on /metrics and the service still works', async () => {
    const service = await startService({ env: { METRICS: 'disabled' } });
    try {
      expect((await service.call('/metrics', { token: null })).status).toBe(404);
      expect((await service.call('/cds-services')).status).toBe(200);
    } finally {
      await service.stop();
    }
  });
});
