import type { Bundle, BundleEntry, Observation } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKnown } from '../../src/engine/picture.js';
import { buildPicture } from '../../src/fhir/picture.js';
import { resolvePrefetch } from '../../src/fhir/prefetch.js';
import { loadTerminology } from '../../src/fhir/terminology.js';
import { services } from '../../src/hooks/services.js';
import { readFixtureBundles, SEED_000 } from '../helpers/cards.js';
import { externalFhirBaseUrl, fhirGet, fhirSearchAll, startFhirServer, type FhirServerProcess } from '../helpers/fhir-server.js';

/**
 * A patient with 2,000 Observations on the real embedded FHIR server: the picture built from paged searches
 * (the service fetching what the EHR did not send) equals the picture built from a full prefetch.
 */

// An external server (FHIR_BASE_URL) keeps the Observations earlier runs POSTed: a new patient per run there.
const PATIENT = externalFhirBaseUrl ? `paging-2000-${Date.now().toString(36)}` : 'paging-2000';
const OBSERVATIONS = 2000;
const PSA_EVERY = 4;
const terminology = loadTerminology();
const now = new Date('2026-11-23T09:00:00Z');
const options = { depotGraceDays: 14, adjustedWeightAbovePercentIdeal: 120 };
const template = services[0]!.prefetch;

let fhir: FhirServerProcess;

/** The seed-000 patient re-homed under other ids, plus 2,000 Observations: every 4th a PSA, the rest creatinine. */
function bigPatientBundle(): Bundle {
  const seed = readFixtureBundles().get(SEED_000)!;
  // New resource ids too (seed-000-… → <PATIENT>-…): on a shared server (FHIR_BASE_URL) the seed's own must stay.
  const rehomed = JSON.parse(JSON.stringify(seed).replaceAll(SEED_000, PATIENT).replaceAll('seed-000-', `${PATIENT}-`)) as Bundle;
  const observations: BundleEntry[] = Array.from({ length: OBSERVATIONS }, (_, i) => {
    const psa = i % PSA_EVERY === 0;
    const day = new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    const resource: Observation = {
      resourceType: 'Observation',
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: psa ? '2857-1' : '2160-0' }] },
      subject: { reference: `Patient/${PATIENT}` },
      effectiveDateTime: day,
      valueQuantity: psa
        ? { value: 1 + (i % 37) / 10, unit: 'ng/mL', system: 'http://unitsofmeasure.org', code: 'ng/mL' }
        : { value: 0.8 + (i % 9) / 10, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
    };
    // POST, not PUT: medplum caps the number of updates in one transaction; creates are not capped.
    return { fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, resource, request: { method: 'POST', url: 'Observation' } };
  });
  return { ...rehomed, entry: [...(rehomed.entry ?? []), ...observations] };
}

beforeAll(async () => {
  fhir = await startFhirServer();
  const res = await fetch(fhir.url, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(bigPatientBundle()) });
  expect(res.status, await res.clone().text()).toBe(200);
}, 60_000);

afterAll(async () => {
  await fhir?.stop();
});

/** What the service does when the EHR prefetches nothing: every template fetched from the FHIR server, paged. */
function fetchEverything(pageCap: number) {
  return resolvePrefetch({
    templates: template,
    prefetch: undefined,
    context: { patientId: PATIENT },
    fhirServer: fhir.url,
    now,
    client: { timeoutMs: 20_000, pageCap },
  });
}

describe('2,000 Observations: paged fetch = full prefetch', () => {
  it('the service pages through every search and builds the same picture as from one full prefetch', async () => {
    const fetched = await fetchEverything(20);
    expect(fetched.unreadable).toEqual([]);
    expect(fetched.fetchedKeys.sort()).toEqual(template.map((t) => t.key).sort());

    // A full prefetch: each template answered in one Bundle, as an EHR that does not paginate would send it (the
    // pages gathered here: a server may cap _count, HAPI at its max_page_size).
    const full: Record<string, unknown> = {};
    for (const { key, template: t } of template) {
      const url = t.replace('{{context.patientId}}', PATIENT).replace(/_count=\d+/, '_count=10000');
      full[key] = url.includes('?') ? await fhirSearchAll(fhir.url, url) : await fhirGet(fhir.url, url);
    }
    const prefetched = await resolvePrefetch({
      templates: template,
      prefetch: full,
      context: { patientId: PATIENT },
      now,
      client: { timeoutMs: 20_000, pageCap: 20 },
    });
    expect(prefetched.fetchedKeys).toEqual([]);

    const input = { patientId: PATIENT, hook: 'patient-view' as const, now, unreadable: [] };
    const paged = buildPicture({ ...input, resources: fetched.resources }, terminology, options);
    const whole = buildPicture({ ...input, resources: prefetched.resources }, terminology, options);
    expect(paged).toEqual(whole);

    // Not vacuous: all 500 generated PSAs (+ the seed's 4) made it through 11 pages of 200.
    expect(paged.psa).toHaveLength(OBSERVATIONS / PSA_EVERY + 4);
    expect((paged.psa[0]?.date ?? '') >= (paged.psa.at(-1)?.date ?? '')).toBe(true);
    expect(isKnown(paged.renal.creatinine)).toBe(true);
    expect(paged.therapies.map((t) => t.drug)).toEqual(expect.arrayContaining(['leuprolide', 'axitinib']));
  }, 60_000);

  it('with a page cap too small for the data, the picture says what was cut', async () => {
    const fetched = await fetchEverything(3);
    expect(fetched.unreadable).toEqual(['observations (labs, vital signs, pathology findings): only the first pages were read']);
  }, 60_000);
});
