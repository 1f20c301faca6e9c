import type { MedicationRequest, Resource, ServiceRequest } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardsWithTopic, type CdsResponse } from '../helpers/cards.js';
import { startFhirServer, type FhirServerProcess } from '../helpers/fhir-server.js';
import { createTestIssuer, type TestIssuer } from '../helpers/jwt.js';
import { orderSelectRequest, patientViewRequest, SERVICE_ID } from '../helpers/requests.js';
import { startService, type RunningService } from '../helpers/service.js';

/**
 * The seed scenarios and their near relatives through real HTTP (JWT auth on, the embedded FHIR server as a
 * process): which cards each patient gets, by rule id, on chart open and when the orders of the catalogue are
 * written. The clinical clock is pinned to the date the fixture records are written for.
 */

const NOW = new Date('2026-11-23T09:00:00Z');
let fhir: FhirServerProcess;
let issuer: TestIssuer;
let service: RunningService;

beforeAll(async () => {
  [fhir, issuer] = await Promise.all([startFhirServer(), createTestIssuer()]);
  service = await startService({ issuer, now: () => NOW });
});

afterAll(async () => {
  await service?.stop();
  await fhir?.stop();
});

const rulesOf = (response: CdsResponse) => response.cards.map((c) => c.source.topic?.code).sort();

async function patientView(patientId: string): Promise<CdsResponse> {
  const res = await service.call<CdsResponse>(`/cds-services/${SERVICE_ID['patient-view']}`, { json: patientViewRequest(patientId, { fhirServer: fhir.url }) });
  expect(res.status).toBe(200);
  return res.body;
}

async function orderSelect(patientId: string, drafts: Resource[]): Promise<CdsResponse> {
  const res = await service.call<CdsResponse>(`/cds-services/${SERVICE_ID['order-select']}`, {
    json: orderSelectRequest(patientId, { fhirServer: fhir.url, drafts }),
  });
  expect(res.status).toBe(200);
  return res.body;
}

function medication(patientId: string, id: string, text: string, rxnorm?: string): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id,
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    medicationCodeableConcept: { ...(rxnorm ? { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: rxnorm }] } : {}), text },
  };
}

function procedure(patientId: string, id: string, text: string, snomed: string): ServiceRequest {
  return {
    resourceType: 'ServiceRequest',
    id,
    status: 'draft',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    code: { coding: [{ system: 'http://snomed.info/sct', code: snomed }], text },
  };
}

describe('seed 000: small cell transformation of prostate cancer, liver metastasis, on leuprolide and axitinib', () => {
  const id = 'seed-000-nepc-liver';

  it('chart open: stop leuprolide, stop axitinib, start platinum–etoposide (carboplatin recommended at 74), PSA unreliable, clinical trial', async () => {
    const response = await patientView(id);
    expect(rulesOf(response)).toEqual([
      'clinical-trial-referral',
      'psa-unreliable-nepc',
      'start-platinum-etoposide',
      'stop-adt-small-cell',
      'stop-vegf-tki-small-cell',
    ]);
    expect(cardsWithTopic(response, 'stop-adt-small-cell')[0]?.summary).toContain('leuprolide');
    expect(cardsWithTopic(response, 'stop-vegf-tki-small-cell')[0]?.summary).toContain('axitinib');
    const [start] = cardsWithTopic(response, 'start-platinum-etoposide');
    expect(start?.selectionBehavior).toBe('at-most-one');
    const recommended = start?.suggestions?.filter((s) => s.isRecommended) ?? [];
    expect(recommended).toHaveLength(1);
    expect(recommended[0]?.label).toMatch(/carboplatin 450 mg/i);
    expect(response.cards.map((c) => c.indicator)).toEqual(['warning', 'warning', 'warning', 'info', 'info']);
  });

  it('order-select of radium-223: not indicated with visceral metastases (warning)', async () => {
    const response = await orderSelect(id, [medication(id, 'draft-radium', 'Xofigo (radium Ra 223 dichloride) 55 kBq/kg IV every 4 weeks')]);
    const [card] = cardsWithTopic(response, 'radium-223-visceral');
    expect(card?.indicator).toBe('warning');
    expect(card?.summary).toMatch(/Radium-223/);
  });

  it('order-select of radium-223 while abiraterone is current: critical', async () => {
    const other = 'seed-000-on-radium-abiraterone';
    const response = await orderSelect(other, [medication(other, 'draft-radium', 'Xofigo (radium Ra 223 dichloride) 55 kBq/kg IV every 4 weeks')]);
    expect(cardsWithTopic(response, 'radium-223-visceral')[0]?.indicator).toBe('critical');
  });
});

describe('seed 004: high-grade neuroendocrine carcinoma of the sigmoid colon, Ki-67 65 %, liver metastases', () => {
  const id = 'seed-004-sigmoid-nec';

  it('chart open: start platinum–etoposide and the clinical trial card', async () => {
    expect(rulesOf(await patientView(id))).toEqual(['clinical-trial-referral', 'start-platinum-etoposide']);
  });

  it('a long-acting somatostatin analogue ordered → avoid-ssa-high-grade', async () => {
    const response = await orderSelect(id, [medication(id, 'draft-ssa', 'Sandostatin LAR Depot (octreotide LAR) 30 mg IM every 4 weeks')]);
    expect(cardsWithTopic(response, 'avoid-ssa-high-grade')[0]?.indicator).toBe('warning');
  });

  it('TACE ordered before any chemotherapy → avoid-liver-directed-high-grade (warning)', async () => {
    const response = await orderSelect(id, [procedure(id, 'draft-tace', 'Chemoembolization of liver metastases', '314617008')]);
    expect(cardsWithTopic(response, 'avoid-liver-directed-high-grade')[0]?.indicator).toBe('warning');
  });

  it('FOLFOX ordered as first line → avoid-colorectal-regimen-first-line', async () => {
    const response = await orderSelect(id, [
      medication(id, 'draft-oxali', 'oxaliplatin 85 mg/m2 IV', '32592'),
      medication(id, 'draft-5fu', 'fluorouracil 400 mg/m2 IV bolus', '4492'),
    ]);
    const [card] = cardsWithTopic(response, 'avoid-colorectal-regimen-first-line');
    expect(card?.indicator).toBe('warning');
    expect(card?.suggestions?.[0]?.actions?.map((a) => a.resourceId).sort()).toEqual(['MedicationRequest/draft-5fu', 'MedicationRequest/draft-oxali']);
  });
});

describe('well-differentiated NET G2 of the pancreas with liver metastases', () => {
  const id = 'net-g2-pancreas-liver-mets';

  it('chart open: the NET options card, and nothing for carcinomas', async () => {
    expect(rulesOf(await patientView(id))).toEqual(['well-differentiated-net-options']);
  });

  it('platinum–etoposide ordered → platinum-in-low-grade-net', async () => {
    const response = await orderSelect(id, [
      medication(id, 'draft-carbo', 'carboplatin AUC 5 IV', '40048'),
      medication(id, 'draft-eto', 'etoposide 100 mg/m2 IV days 1-3', '4179'),
    ]);
    expect(cardsWithTopic(response, 'platinum-in-low-grade-net')[0]?.indicator).toBe('warning');
  });
});

describe('neuroendocrine neoplasms without a usable grade', () => {
  it.each(['nen-ungraded-small-bowel', 'nec-unclear-ki67-40'])('%s: grade-before-therapy on chart open', async (id) => {
    expect(rulesOf(await patientView(id))).toContain('grade-before-therapy');
  });
});

describe('near misses of the NEPC rules', () => {
  it.each(['near-miss-adeno-on-leuprolide', 'near-miss-no-small-cell-component'])('%s: no card at all', async (id) => {
    expect(rulesOf(await patientView(id))).toEqual([]);
  });

  it('small cell with a lung primary also on record: confirm origin, never the prostate-specific stop cards', async () => {
    const rules = rulesOf(await patientView('near-miss-origin-uncertain'));
    expect(rules).toContain('confirm-nec-origin');
    expect(rules).not.toContain('stop-adt-small-cell');
    expect(rules).not.toContain('psa-unreliable-nepc');
  });
});
