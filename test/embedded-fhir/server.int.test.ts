import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, CapabilityStatement, Observation, OperationOutcome } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedFhirServer } from '../../src/embedded-fhir/server.js';
import { startEmbeddedFhirProcess, type FhirServerProcess } from '../helpers/fhir-server.js';

const PATIENT_NAME = 'Testperson-Secret';

/** A transaction: PUT Patient/p1 (fullUrl urn:uuid) + `n` Observations that reference it via the urn:uuid. */
function patientBundle(id: string, n: number): Bundle {
  const patientUrn = 'urn:uuid:2f0c1b8e-0000-4000-8000-000000000001';
  const observations = Array.from({ length: n }, (_, i) => ({
    fullUrl: `urn:uuid:2f0c1b8e-0000-4000-8000-1000000000${String(i).padStart(2, '0')}`,
    resource: {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '2857-1' }] },
      subject: { reference: patientUrn },
      effectiveDateTime: `2025-0${i + 1}-01`,
      valueQuantity: { value: i + 1, unit: 'ng/mL' },
    } satisfies Observation,
    request: { method: 'POST', url: 'Observation' },
  }));
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: patientUrn,
        resource: { resourceType: 'Patient', id, name: [{ family: PATIENT_NAME, given: ['Alice'] }] },
        request: { method: 'PUT', url: `Patient/${id}` },
      },
      ...observations,
    ],
  } as Bundle;
}

const ids = (bundle: Bundle) => (bundle.entry ?? []).map((e) => e.resource?.id);
const linkUrl = (bundle: Bundle, relation: string) => bundle.link?.find((l) => l.relation === relation)?.url;
async function getJson<T>(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: T }> {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as T };
}

describe('embedded FHIR server as a child process (npm run fhir-sandbox)', () => {
  let server: FhirServerProcess | undefined;
  let base = '';

  beforeAll(async () => {
    // The embedded server itself is under test ($reset, its paging links): never FHIR_BASE_URL's server.
    server = await startEmbeddedFhirProcess();
    base = server.url;
    // Start from an empty store so whatever is in fixtures/patients/ cannot change the counts below.
    expect((await fetch(`${base}/$reset`, { method: 'POST' })).status).toBe(200);
    const loaded = await getJson<Bundle>(base, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(patientBundle('p1', 5)),
    });
    expect(loaded.status).toBe(200);
    expect(loaded.body.type).toBe('transaction-response');
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('serves an R4 CapabilityStatement at /metadata', async () => {
    const { status, headers, body } = await getJson<CapabilityStatement>(`${base}/metadata`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(body).toMatchObject({ resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1' });
    const observation = body.rest?.[0]?.resource?.find((r) => r.type === 'Observation');
    expect(observation?.interaction?.map((i) => i.code)).toEqual(['read', 'search-type', 'create', 'update', 'delete']);
    expect(observation?.searchParam?.map((p) => p.name)).toEqual(expect.arrayContaining(['patient', 'code', 'date']));
  });

  it('finds Observations by a bare patient id, with urn:uuid references resolved', async () => {
    const { status, body } = await getJson<Bundle<Observation>>(`${base}/Observation?patient=p1`);
    expect(status).toBe(200);
    expect(body.total).toBe(5);
    expect(body.entry?.every((e) => e.resource?.subject?.reference === 'Patient/p1')).toBe(true);
    expect(linkUrl(body, 'self')).toContain('_count=20');
  });

  it('pages with _count and absolute next/previous links', async () => {
    const first = await getJson<Bundle>(`${base}/Observation?patient=p1&_count=2&_sort=date`);
    expect(first.body.entry).toHaveLength(2);
    const next = linkUrl(first.body, 'next');
    expect(next).toMatch(new RegExp(`^${base}/Observation\\?`));
    const second = await getJson<Bundle>(next!);
    expect(second.body.entry).toHaveLength(2);
    expect(linkUrl(second.body, 'previous')).toBeDefined();
    const third = await getJson<Bundle>(linkUrl(second.body, 'next')!);
    expect(third.body.entry).toHaveLength(1);
    expect(linkUrl(third.body, 'next')).toBeUndefined();
    const all = [first, second, third].flatMap((page) => ids(page.body));
    expect(new Set(all).size).toBe(5);
  });

  it('answers POST _search with a form body like the equivalent GET (URL and body params merged)', async () => {
    const get = await getJson<Bundle>(`${base}/Observation?code=http://loinc.org|2857-1&patient=p1&_count=3&_sort=-date`);
    const post = await getJson<Bundle>(`${base}/Observation/_search?_count=3`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ code: 'http://loinc.org|2857-1', patient: 'p1', _sort: '-date' }).toString(),
    });
    expect(post.status).toBe(200);
    expect(post.body.total).toBe(5);
    expect(ids(post.body)).toEqual(ids(get.body));
    expect(ids(post.body)).toHaveLength(3);
  });

  it('sends CORS headers and answers the preflight', async () => {
    const res = await fetch(`${base}/Patient/p1`, { headers: { origin: 'http://sandbox.local' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await fetch(`${base}/Observation/_search`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://sandbox.local',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('returns 404 OperationOutcome for an unknown id', async () => {
    const { status, headers, body } = await getJson<OperationOutcome>(`${base}/Patient/does-not-exist`);
    expect(status).toBe(404);
    expect(headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(body.resourceType).toBe('OperationOutcome');
  });

  it('returns 400 OperationOutcome for bad JSON and keeps serving', async () => {
    const { status, body } = await getJson<OperationOutcome>(`${base}/Patient`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: '{"resourceType": "Patient",',
    });
    expect(status).toBe(400);
    expect(body.resourceType).toBe('OperationOutcome');
    expect((await fetch(`${base}/metadata`)).status).toBe(200);
  });
});

describe('startEmbeddedFhirServer in-process', () => {
  it('listens on port 0, loads fixtures without logging contents, loads bundles and resets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nec-fhir-fixtures-'));
    const lines: string[] = [];
    try {
      await writeFile(join(dir, 'a.json'), JSON.stringify(patientBundle('fx1', 2)));
      await writeFile(join(dir, 'b.json'), JSON.stringify({ resourceType: 'Patient', id: 'x' }));
      await writeFile(join(dir, 'c.json'), '{ not json');
      const server = await startEmbeddedFhirServer({ port: 0, host: '127.0.0.1', fixturesDir: dir, log: (m) => lines.push(m) });
      try {
        expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir$/);
        expect(server.url).not.toMatch(/:0\//);
        expect(server.fixtureBundles).toBe(1);
        expect(lines).toHaveLength(3);
        expect(lines[0]).toBe('fixtures: a.json: 3 entries');
        expect(lines.join('\n')).not.toContain(PATIENT_NAME);

        const response = await server.load(patientBundle('p2', 1));
        expect(response.type).toBe('transaction-response');
        const found = await getJson<Bundle>(`${server.url}/Observation?patient=p2,fx1`);
        expect(found.body.total).toBe(3);

        server.reset();
        const afterReset = await getJson<Bundle>(`${server.url}/Observation?patient=p2`);
        expect(afterReset.body.total).toBe(0);
      } finally {
        await server.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('tolerates a missing fixtures folder', async () => {
    const server = await startEmbeddedFhirServer({ port: 0, host: '127.0.0.1', fixturesDir: join(tmpdir(), 'no-such-dir-nec') });
    try {
      expect(server.fixtureBundles).toBe(0);
      const reset = await fetch(`${server.url}/$reset`, { method: 'POST' });
      expect(reset.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
