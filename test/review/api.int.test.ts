import type { Bundle, MedicationRequest } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardView } from '../../src/review/view.js';
import { fhirGet, startFhirServer, type FhirServerProcess } from '../helpers/fhir-server.js';
import { createTestIssuer } from '../helpers/jwt.js';
import { startService, type RunningService } from '../helpers/service.js';

/**
 * The review page's API over real HTTP: the service (auth on: the review backend signs its own calls) against the
 * embedded FHIR server process with the demo patients. The browser test covers accepting a suggestion on the server.
 */

const SEED_000 = 'seed-000-nepc-liver';
const CLINICAL_NOW = new Date('2026-11-23T09:00:00Z');
let fhir: FhirServerProcess;
let service: RunningService;

async function run(body: object) {
  return service.call<{ serviceId: string; cards: CardView[]; message?: string; details?: string[] }>('/review/api/run', { json: body, token: null });
}

beforeAll(async () => {
  fhir = await startFhirServer();
  service = await startService({ issuer: await createTestIssuer(), env: { REVIEW_FHIR_BASE_URL: fhir.url }, now: () => CLINICAL_NOW });
}, 90_000);

afterAll(async () => {
  await service?.stop();
  await fhir?.stop();
});

describe('review API', () => {
  it('lists the patients of the FHIR server with their names, and the draft drugs with their labels', async () => {
    const patients = await service.call<{ patients: { id: string; name: string }[] }>('/review/api/patients', { token: null });
    expect(patients.status).toBe(200);
    expect(patients.headers.get('cache-control')).toBe('no-store');
    expect(patients.body.patients).toContainEqual({ id: SEED_000, name: 'Walter James Ashcombe' });
    const config = await service.call<{ fhirServer: string; drugs: { id: string; label: string }[] }>('/review/api/config', { token: null });
    expect(config.body.fhirServer).toBe(fhir.url);
    expect(config.body.drugs).toContainEqual({ id: 'leuprolide', label: 'leuprolide (Lupron Depot, Eligard, Camcevi, Fensolvi)' });
  });

  it("reads the PSA history in date order and the creatinine, by the terminology's LOINC codes", async () => {
    const labs = await service.call<{ series: { concept: string; unit: string; points: { date: string; value: number }[] }[] }>('/review/api/labs', {
      json: { patientId: SEED_000 },
      token: null,
    });
    expect(labs.status).toBe(200);
    const psa = labs.body.series.find((s) => s.concept === 'psa');
    expect(psa?.unit).toBe('ng/mL');
    expect(psa?.points).toEqual([
      { date: '2025-02-10', value: 14.2 },
      { date: '2025-09-15', value: 6.8 },
      { date: '2026-03-12', value: 2.9 },
      { date: '2026-10-10', value: 1.4 },
    ]);
    expect(labs.body.series.find((s) => s.concept === 'creatinine-serum')?.points.length).toBe(1);
  });

  it('runs patient-view through the real signed route and renders each detail to escaped HTML', async () => {
    const answer = await run({ patientId: SEED_000, hook: 'patient-view' });
    expect(answer.status).toBe(200);
    expect(answer.body.serviceId).toBe('nec-patient-view');
    const stop = answer.body.cards.find((c) => c.source.topic === 'stop-adt-small-cell');
    expect(stop?.indicator).toBe('warning');
    expect(stop?.detailHtml).toContain('<strong>Facts behind this card</strong>');
    expect(stop?.suggestions[0]?.label).toBe('Stop leuprolide (small cell histology)');
    expect(stop?.overrideReasons.map((r) => r.code)).toContain('tumour-board-decision');
    const authenticated = service.logRecords().filter((r) => r.msg === 'client authenticated' && r.iss === 'urn:nec-cds:review');
    expect(authenticated.length).toBeGreaterThan(0);
  });

  it('sends an override reason as feedback to the service, and refuses a reason the card does not offer', async () => {
    const { body } = await run({ patientId: SEED_000, hook: 'patient-view' });
    const card = body.cards.find((c) => c.source.topic === 'stop-vegf-tki-small-cell') as CardView;
    const overridden = await service.call<{ feedback: { status: number } }>('/review/api/override', {
      json: { cardUuid: card.uuid, reasonCode: 'prescribed-for-another-cancer' },
      token: null,
    });
    expect(overridden.status).toBe(200);
    expect(overridden.body.feedback.status).toBe(200);
    const logged = service.logRecords().find((r) => r.msg === 'feedback received' && r.card === card.uuid);
    expect(logged).toMatchObject({ outcome: 'overridden', overrideReason: 'prescribed-for-another-cancer', service: 'nec-patient-view' });

    const wrong = await service.call<{ details: string[] }>('/review/api/override', { json: { cardUuid: card.uuid, reasonCode: 'not-a-reason' }, token: null });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details).toEqual(['reasonCode: not one of the override reasons of this card']);
  });

  it('accepting "remove the draft" on order-sign changes the draft only: nothing is written to the FHIR server', async () => {
    const { body } = await run({ patientId: SEED_000, hook: 'order-sign', drug: 'leuprolide' });
    const card = body.cards.find((c) => c.source.topic === 'stop-adt-small-cell') as CardView;
    expect(card.suggestions[0]?.actions).toEqual(['Remove the draft order MedicationRequest/review-draft-leuprolide']);
    const accepted = await service.call<{ draft: string; applied: number; feedback: { status: number } }>('/review/api/accept', {
      json: { cardUuid: card.uuid, suggestionUuid: card.suggestions[0]?.uuid },
      token: null,
    });
    expect(accepted.body).toMatchObject({ draft: 'removed', applied: 1, feedback: { status: 200 } });
    const active = await fhirGet<MedicationRequest>(fhir.url, 'MedicationRequest/seed-000-leuprolide');
    expect(active.status).toBe('active');
    const rerun = await run({ patientId: SEED_000, hook: 'order-sign' });
    expect(rerun.body.cards.map((c) => c.source.topic)).not.toContain('stop-adt-small-cell');
  });

  it('accepting a suggestion that creates orders POSTs them to the FHIR server as drafts for the patient', async () => {
    const { body } = await run({ patientId: SEED_000, hook: 'patient-view' });
    const card = body.cards.find((c) => c.source.topic === 'start-platinum-etoposide') as CardView;
    const carboplatin = card.suggestions.find((s) => s.label.startsWith('Draft carboplatin'));
    const accepted = await service.call<{ applied: number; feedback: { status: number } }>('/review/api/accept', {
      json: { cardUuid: card.uuid, suggestionUuid: carboplatin?.uuid },
      token: null,
    });
    expect(accepted.body).toMatchObject({ applied: 2, feedback: { status: 200 } });
    const drafts = await fhirGet<Bundle<MedicationRequest>>(fhir.url, `MedicationRequest?subject=Patient/${SEED_000}&status=draft`);
    const created = (drafts.entry ?? []).map((e) => e.resource?.medicationCodeableConcept?.coding?.[0]?.display);
    expect(created.sort()).toEqual(['carboplatin', 'etoposide']);
  });

  it('answers a readable 400 for a bad body and 404 for a card it never showed', async () => {
    const bad = await run({ patientId: 'not an id!', hook: 'patient-view' });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual(['patientId: must be a FHIR id (letters, digits, "-" or ".", at most 64)']);
    const unknown = await service.call<{ message: string }>('/review/api/accept', { json: { cardUuid: 'nope', suggestionUuid: 'nope' }, token: null });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/run the hook again/);
  });
});
