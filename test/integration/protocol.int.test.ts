import type { Bundle, Condition, DiagnosticReport, MedicationRequest, Patient } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardsWithTopic, DATA_UNAVAILABLE, SEED_000, STOP_ADT, type CdsResponse } from '../helpers/cards.js';
import { fhirGet, fhirPut, nextLink, startFhirServer, type FhirServerProcess } from '../helpers/fhir-server.js';
import { createTestIssuer, type TestIssuer } from '../helpers/jwt.js';
import { patientViewRequest, PREFETCH_KEYS, readPrefetch, SERVICE_ID, USER_ID } from '../helpers/requests.js';
import { freePort, hookAnsweredLog, startService, type RunningService } from '../helpers/service.js';

/**
 * The CDS Hooks 2.0 surface over real HTTP with authentication on: discovery, status codes, the FHIR server being
 * down, feedback, CORS, health, and paging through FHIR search results.
 */

interface ErrorBody {
  error: string;
  message: string;
  details?: string[];
}

let fhir: FhirServerProcess;
let issuer: TestIssuer;
let service: RunningService;

beforeAll(async () => {
  [fhir, issuer] = await Promise.all([startFhirServer(), createTestIssuer()]);
  service = await startService({ issuer });
});

afterAll(async () => {
  await service?.stop();
  await fhir?.stop();
});

const PATIENT_VIEW = `/cds-services/${SERVICE_ID['patient-view']}`;

describe('discovery', () => {
  it('lists the three services with their hook and prefetch templates', async () => {
    const res = await service.call<{ services: { id: string; hook: string; prefetch: Record<string, string> }[] }>('/cds-services');
    expect(res.status).toBe(200);
    const byId = new Map(res.body.services.map((s) => [s.id, s]));
    expect([...byId.keys()].sort()).toEqual(['nec-order-select', 'nec-order-sign', 'nec-patient-view']);
    expect(byId.get('nec-patient-view')?.hook).toBe('patient-view');
    expect(byId.get('nec-order-select')?.hook).toBe('order-select');
    expect(byId.get('nec-order-sign')?.hook).toBe('order-sign');
    for (const s of byId.values()) {
      expect(Object.keys(s.prefetch).sort()).toEqual([...PREFETCH_KEYS].sort());
      expect(s.prefetch.patient).toBe('Patient/{{context.patientId}}');
      for (const template of Object.values(s.prefetch)) expect(template).toContain('{{context.patientId}}');
    }
  });
});

describe('status codes of a service call', () => {
  it('404 for an unknown service', async () => {
    const res = await service.call<ErrorBody>('/cds-services/no-such-service', { json: patientViewRequest(SEED_000, { fhirServer: fhir.url }) });
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('no-such-service');
  });

  it('400 for the wrong hook for the service', async () => {
    const body = { ...patientViewRequest(SEED_000, { fhirServer: fhir.url }), hook: 'order-sign' };
    const res = await service.call<ErrorBody>(PATIENT_VIEW, { json: body });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/patient-view/);
  });

  it('400 with a readable message for malformed JSON', async () => {
    const res = await service.call<ErrorBody>(PATIENT_VIEW, { rawBody: '{"hook": "patient-view", "context": {' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/JSON/);
  });

  it('400 naming context.patientId when it is missing', async () => {
    const body = patientViewRequest(SEED_000, { fhirServer: fhir.url });
    body.context = { userId: USER_ID };
    const res = await service.call<ErrorBody>(PATIENT_VIEW, { json: body });
    expect(res.status).toBe(400);
    expect([res.body.message, ...(res.body.details ?? [])].join('\n')).toContain('context.patientId');
  });

  it('400 for fhirAuthorization without fhirServer', async () => {
    const body = patientViewRequest(SEED_000, { fhirServer: fhir.url });
    delete body.fhirServer;
    expect(body.fhirAuthorization).toBeDefined();
    const res = await service.call<ErrorBody>(PATIENT_VIEW, { json: body });
    expect(res.status).toBe(400);
    expect([res.body.message, ...(res.body.details ?? [])].join('\n')).toContain('fhirServer');
  });

  it('412 naming the missing keys when prefetch is incomplete and there is no fhirServer', async () => {
    const prefetch = await readPrefetch(fhir.url, SEED_000, ['patient']);
    const res = await service.call<ErrorBody>(PATIENT_VIEW, { json: patientViewRequest(SEED_000, { prefetch }) });
    expect(res.status).toBe(412);
    for (const key of PREFETCH_KEYS.filter((k) => k !== 'patient')) expect(res.body.message).toContain(key);
    expect(res.body.message).not.toContain('"patient"');
  });

  it('200 with a data-unavailable info card when the fhirServer does not answer', async () => {
    const closedPort = await freePort();
    const body = patientViewRequest(SEED_000, { fhirServer: `http://127.0.0.1:${closedPort}/fhir` });
    const res = await service.call<CdsResponse>(PATIENT_VIEW, { json: body });
    expect(res.status).toBe(200);
    const cards = cardsWithTopic(res.body, DATA_UNAVAILABLE);
    expect(cards).toHaveLength(1);
    expect(cards[0]?.indicator).toBe('info');
    expect(cardsWithTopic(res.body, STOP_ADT)).toEqual([]);
  });
});

describe('malformed input never gives a 500', () => {
  it.each([
    ['entry is not an array', { resourceType: 'Bundle', type: 'searchset', entry: 'x' }],
    ['entry holds null', { resourceType: 'Bundle', type: 'searchset', entry: [null] }],
    ['link is not an array', { resourceType: 'Bundle', type: 'searchset', link: 'x', entry: [] }],
    ['not a FHIR resource', { hello: 'world' }],
    ['a string', 'Condition/1'],
  ])('a prefetch Bundle whose %s is fetched from the FHIR server instead (200, card present)', async (_what, conditions) => {
    const body = patientViewRequest(SEED_000, { fhirServer: fhir.url, prefetch: { conditions } });
    const res = await service.call<CdsResponse>(PATIENT_VIEW, { json: body });
    expect(res.status).toBe(200);
    expect(cardsWithTopic(res.body, STOP_ADT)).toHaveLength(1);
  });

  it('a prefetched resource whose fields have the wrong shapes is skipped and named on a data-unavailable card', async () => {
    const odd = { resourceType: 'DiagnosticReport', id: 'odd-1', status: 'final', code: { text: 'x' }, conclusionCode: [{ coding: 5 }] };
    const body = patientViewRequest(SEED_000, {
      fhirServer: fhir.url,
      prefetch: { reports: { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: odd }] } },
    });
    const res = await service.call<CdsResponse>(PATIENT_VIEW, { json: body });
    expect(res.status).toBe(200);
    const [card] = cardsWithTopic(res.body, DATA_UNAVAILABLE);
    expect(card?.detail).toContain('DiagnosticReport/odd-1');
  });

  it('an unauthenticated caller gets 401 before its body is read, even when the body is malformed', async () => {
    const res = await service.call<ErrorBody>(PATIENT_VIEW, { rawBody: '{"not json', token: null });
    expect(res.status).toBe(401);
  });
});

describe('feedback', () => {
  let cardUuid: string;
  let suggestionUuid: string;

  beforeAll(async () => {
    const res = await service.call<CdsResponse>(PATIENT_VIEW, { json: patientViewRequest(SEED_000, { fhirServer: fhir.url }) });
    const card = cardsWithTopic(res.body, STOP_ADT)[0];
    if (!card?.uuid || !card.suggestions?.[0]?.uuid) throw new Error('seed-000 card with a suggestion expected');
    cardUuid = card.uuid;
    suggestionUuid = card.suggestions[0].uuid;
  });

  const feedbackPath = `/cds-services/${SERVICE_ID['patient-view']}/feedback`;
  const at = '2026-11-23T10:05:31Z';

  it('200 for an accepted suggestion', async () => {
    const json = { feedback: [{ card: cardUuid, outcome: 'accepted', acceptedSuggestions: [{ id: suggestionUuid }], outcomeTimestamp: at }] };
    const res = await service.call<{ received: number }>(feedbackPath, { json });
    expect(res.status).toBe(200);
  });

  it('200 for an override with a reason and for one without', async () => {
    const json = {
      feedback: [
        {
          card: cardUuid,
          outcome: 'overridden',
          overrideReason: { reason: { system: 'urn:nec-cds:override-reason', code: 'tumour-board-decision' }, userComment: 'Discussed at board' },
          outcomeTimestamp: at,
        },
        { card: cardUuid, outcome: 'overridden', outcomeTimestamp: at },
      ],
    };
    expect((await service.call(feedbackPath, { json })).status).toBe(200);
  });

  it('400 for malformed feedback', async () => {
    const json = { feedback: [{ card: cardUuid, outcome: 'maybe', outcomeTimestamp: 'yesterday' }] };
    const res = await service.call<ErrorBody>(feedbackPath, { json });
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(expect.any(String));
  });
});

describe('CORS and health', () => {
  it('answers the preflight without an Authorization header', async () => {
    const res = await service.call(PATIENT_VIEW, {
      method: 'OPTIONS',
      token: null,
      headers: {
        origin: 'https://ehr.example.org',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(res.status).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get('access-control-allow-origin')).toBeTruthy();
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });

  it('sends access-control-allow-origin on the call itself', async () => {
    const res = await service.call(PATIENT_VIEW, {
      json: patientViewRequest(SEED_000, { fhirServer: fhir.url }),
      headers: { origin: 'https://ehr.example.org' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeTruthy();
  });

  it.each(['/healthz', '/readyz'])('%s answers 200 without a token', async (path) => {
    expect((await service.call(path, { token: null })).status).toBe(200);
  });
});

describe('FHIR paging: Bundle.link[next] is followed', () => {
  const PATIENT = 'paging-nepc-1';
  const subject = { reference: `Patient/${PATIENT}` };
  const EXTRA_CONDITIONS = 45;
  let firstPage: Bundle;

  const hypertension = (i: number): Condition & { id: string } => ({
    resourceType: 'Condition',
    id: `${PATIENT}-htn-${i}`,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003', display: 'Hypertensive disorder' }] },
    subject,
  });

  beforeAll(async () => {
    const patient: Patient & { id: string } = { resourceType: 'Patient', id: PATIENT, gender: 'male', birthDate: '1950-01-01' };
    await fhirPut(fhir.url, patient);
    for (let i = 0; i < EXTRA_CONDITIONS; i++) await fhirPut(fhir.url, hypertension(i));
    const prostateCancer: Condition & { id: string } = {
      resourceType: 'Condition',
      id: `${PATIENT}-prostate-cancer`,
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
      code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'C61', display: 'Malignant neoplasm of prostate' }] },
      subject,
      onsetDateTime: '2020-02-01',
    };
    const biopsy: DiagnosticReport & { id: string } = {
      resourceType: 'DiagnosticReport',
      id: `${PATIENT}-liver-biopsy`,
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '11526-1', display: 'Pathology study' }] },
      subject,
      effectiveDateTime: '2026-10-20',
      conclusionCode: [
        { coding: [{ system: 'http://snomed.info/sct', code: '107811000119106', display: 'Metastatic small cell carcinoma to liver (disorder)' }] },
      ],
    };
    const leuprolide: MedicationRequest & { id: string } = {
      resourceType: 'MedicationRequest',
      id: `${PATIENT}-leuprolide`,
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: {
        coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '42375', display: 'leuprolide' }],
        text: 'leuprolide acetate 22.5 mg depot',
      },
      subject,
      authoredOn: '2026-09-01',
    };
    await fhirPut(fhir.url, prostateCancer);
    await fhirPut(fhir.url, biopsy);
    await fhirPut(fhir.url, leuprolide);

    // What a paginating EHR sends: the first page of a _count=20 search, with its next link. `_total=accurate`:
    // Bundle.total is optional in R4 and HAPI may leave it out of a first page unless asked.
    firstPage = await fhirGet<Bundle>(fhir.url, `Condition?patient=${PATIENT}&_count=20&_total=accurate`);
  });

  it('precondition: the prostate cancer is not on the first page, and the page links to the next', async () => {
    expect(firstPage.total).toBe(EXTRA_CONDITIONS + 1);
    expect(firstPage.entry).toHaveLength(20);
    expect(firstPage.entry?.map((e) => e.resource?.id)).not.toContain(`${PATIENT}-prostate-cancer`);
    const second = await fhirGet<Bundle>(fhir.url, nextLink(firstPage)!);
    expect(second.entry?.map((e) => e.resource?.id)).not.toContain(`${PATIENT}-prostate-cancer`);
    const third = await fhirGet<Bundle>(fhir.url, nextLink(second)!);
    expect(third.entry?.map((e) => e.resource?.id)).toContain(`${PATIENT}-prostate-cancer`);
  });

  it('with the default FHIR_PAGE_CAP the service reads page 3 and the card appears', async () => {
    const body = patientViewRequest(PATIENT, { fhirServer: fhir.url, prefetch: { conditions: firstPage } });
    const res = await service.call<CdsResponse>(PATIENT_VIEW, { json: body });
    expect(res.status).toBe(200);
    expect(cardsWithTopic(res.body, DATA_UNAVAILABLE)).toEqual([]);
    const cards = cardsWithTopic(res.body, STOP_ADT);
    expect(cards).toHaveLength(1);
    expect(cards[0]?.summary).toMatch(/leuprolide/i);
    expect(hookAnsweredLog(service, body.hookInstance as string).fetchedKeys).not.toContain('conditions');
  });

  it('with FHIR_PAGE_CAP=2 the service stops before page 3 and says the data is incomplete', async () => {
    const capped = await startService({ issuer, env: { FHIR_PAGE_CAP: '2' } });
    try {
      const body = patientViewRequest(PATIENT, { fhirServer: fhir.url, prefetch: { conditions: firstPage } });
      const res = await capped.call<CdsResponse>(PATIENT_VIEW, { json: body });
      expect(res.status).toBe(200);
      expect(cardsWithTopic(res.body, STOP_ADT)).toEqual([]);
      const unavailable = cardsWithTopic(res.body, DATA_UNAVAILABLE);
      expect(unavailable).toHaveLength(1);
      expect(unavailable[0]?.detail).toMatch(/conditions/);
    } finally {
      await capped.stop();
    }
  });
});
