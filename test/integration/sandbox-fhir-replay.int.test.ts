import type { Bundle, CapabilityStatement, Patient } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFhirServer, type FhirServerProcess } from '../helpers/fhir-server.js';
import { CAPTURED_PATIENT, readCaptured, readCapturedFhirCalls, SANDBOX_ORIGIN, type CapturedFhirCall } from '../helpers/sandbox-capture.js';

/**
 * Issue 6: the 49 FHIR calls the CDS Hooks Sandbox made during the captured session, replayed against our FHIR
 * server (the embedded one, or FHIR_BASE_URL) with the captured method, path, query, Accept, Content-Type and form
 * body, from the Sandbox page's origin. Each must answer the way the Sandbox needs (../shared/research/
 * sandbox-client.md): CORS on every answer; metadata a CapabilityStatement with fhirVersion ≥ 4.0.0 (R4 drafts);
 * `GET Patient` anything but 401; `Patient/{id}` a Patient whose `name[0].given` is an array; the Condition list
 * with `total` > 0; every search — the form POST the capture's stub refused with 400 included — the same
 * resources the Sandbox put into its prefetch; the unknown Practitioner a 404 (the Sandbox then leaves that key
 * out).
 */

const { fhirServiceUrl, requests } = readCapturedFhirCalls();
const capturedPrefetch = readCaptured('patient-view.json').body?.prefetch as Record<string, Bundle>;

let fhir: FhirServerProcess;

beforeAll(async () => {
  fhir = await startFhirServer();
});

afterAll(async () => {
  await fhir?.stop();
});

async function send(call: CapturedFhirCall) {
  expect(call.path.startsWith('/fhir/')).toBe(true);
  const headers: Record<string, string> = { accept: call.accept, origin: SANDBOX_ORIGIN };
  if (call.contentType) headers['content-type'] = call.contentType;
  const res = await fetch(`${fhir.url}${call.path.slice('/fhir'.length)}`, { method: call.method, headers, body: call.body ?? undefined });
  const text = await res.text();
  return { status: res.status, cors: res.headers.get('access-control-allow-origin'), text, body: JSON.parse(text) as unknown };
}

/** The ids, in order, of the entries of a searchset. */
const idsOf = (bundle: Bundle) => (bundle.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);

/** The prefetch key whose captured content a search produced (by the query the stub's templates rendered to). */
function capturedKeyOf(call: CapturedFhirCall): string | undefined {
  const type = /^\/fhir\/([A-Za-z]+)/.exec(call.path)?.[1];
  const query = call.method === 'POST' ? (call.body ?? '') : (call.path.split('?')[1] ?? '');
  if (type === 'Condition') return 'conditions';
  if (type === 'MedicationRequest') return 'meds';
  if (type === 'DiagnosticReport') return 'reports';
  if (type === 'Observation') return query.includes('2857-1') ? 'psa' : 'creatinine';
  return undefined;
}

describe('the captured FHIR traffic', () => {
  it('is the 49 calls of the session, against the stub at 127.0.0.1:8091, none with Authorization', () => {
    expect(fhirServiceUrl).toBe('http://127.0.0.1:8091/fhir');
    expect(requests).toHaveLength(49);
    expect(requests.every((r) => r.authorization === null)).toBe(true);
    expect(requests.filter((r) => r.method === 'POST').every((r) => r.stubStatus === 400 && r.contentType === 'application/x-www-form-urlencoded')).toBe(true);
  });
});

describe('each captured FHIR call replayed against our FHIR server', () => {
  it.each(requests.map((call, index) => ({ ...call, index })))('#$index $phase: $method $path', async (call) => {
    const res = await send(call);
    // The browser drops an answer without it. '*' (embedded) or the origin echoed (HAPI: allowed-origin patterns).
    expect(['*', SANDBOX_ORIGIN], 'Access-Control-Allow-Origin').toContain(res.cors);
    const path = call.path.split('?')[0]!;
    const resource = res.body as { resourceType?: string };

    if (path === '/fhir/metadata') {
      expect(res.status).toBe(200);
      const statement = resource as CapabilityStatement;
      expect(statement.resourceType).toBe('CapabilityStatement');
      expect(statement.fhirVersion.localeCompare('4.0.0', undefined, { numeric: true })).toBeGreaterThanOrEqual(0);
      return;
    }
    if (path === '/fhir/Patient') {
      expect(res.status).not.toBe(401);
      expect(res.status).toBe(200);
      return;
    }
    if (path === `/fhir/Patient/${CAPTURED_PATIENT}`) {
      expect(res.status).toBe(200);
      const patient = resource as Patient;
      expect(patient.resourceType).toBe('Patient');
      expect(Array.isArray(patient.name?.[0]?.given)).toBe(true);
      return;
    }
    if (path === '/fhir/Practitioner/COREPRACTITIONER1') {
      expect(res.status).toBe(404);
      expect(resource.resourceType).toBe('OperationOutcome');
      return;
    }

    // A search, by GET or by form POST (which this server answers, so the Sandbox needs no GET fallback).
    expect(res.status, res.text).toBe(200);
    const bundle = resource as Bundle;
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.type).toBe('searchset');
    const key = capturedKeyOf(call);
    if (!key) throw new Error(`no captured prefetch for ${call.method} ${call.path}`);
    const expected = idsOf(capturedPrefetch[key]!);
    // The psa search is sorted (_sort=-date): same order; the others: same set.
    if (key === 'psa') expect(idsOf(bundle)).toEqual(expected);
    else expect(idsOf(bundle).sort()).toEqual([...expected].sort());
    if (key === 'conditions') expect(bundle.total).toBeGreaterThan(0);
  });
});
