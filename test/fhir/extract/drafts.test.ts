import { readFileSync } from 'node:fs';
import type { Bundle, MedicationRequest, Resource, ServiceRequest } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import type { DraftOrder, HookName } from '../../../src/engine/picture.js';
import { extractDraftOrders, reasonOf } from '../../../src/fhir/extract/drafts.js';
import { ResourceSet } from '../../../src/fhir/resources.js';
import { loadTerminology } from '../../../src/fhir/terminology.js';

const terminology = loadTerminology();
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const captured = new URL('../../../../shared/examples/sandbox-captured/', import.meta.url);

function drafts(
  resources: Resource[],
  hook: HookName = 'order-sign',
  selections?: string[],
  set = new ResourceSet(),
): { drafts: DraftOrder[]; unreadable: string[] } {
  const unreadable: string[] = [];
  const bundle: Bundle = { resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) };
  return { drafts: extractDraftOrders(bundle, selections, hook, set, terminology, unreadable), unreadable };
}

function capturedContext(file: string): { draftOrders: Bundle; selections?: string[]; hook: HookName } {
  const request = JSON.parse(readFileSync(new URL(file, captured), 'utf8')) as {
    body: { hook: HookName; context: { draftOrders: Bundle; selections?: string[] } };
  };
  return { ...request.body.context, hook: request.body.hook };
}

function medicationDraft(id: string, extra: Partial<MedicationRequest>): MedicationRequest {
  return { resourceType: 'MedicationRequest', id, status: 'draft', intent: 'order', subject: { reference: 'Patient/p' }, ...extra };
}

function serviceDraft(id: string, extra: Partial<ServiceRequest>): ServiceRequest {
  return { resourceType: 'ServiceRequest', id, status: 'draft', intent: 'order', subject: { reference: 'Patient/p' }, ...extra };
}

describe('extractDraftOrders', () => {
  it('medication drafts carry drug, classes, route, dose and reason', () => {
    const carboplatin = medicationDraft('m1', {
      medicationCodeableConcept: { coding: [{ system: RXNORM, code: '597195', display: 'carboplatin 10 MG/ML Injectable Solution' }] },
      dosageInstruction: [{ route: { text: 'IV' }, doseAndRate: [{ doseQuantity: { value: 560, unit: 'mg', code: 'mg' } }] }],
      reasonCode: [{ text: 'Small cell carcinoma of prostate' }],
    });
    expect(drafts([carboplatin]).drafts).toEqual([
      {
        ref: 'MedicationRequest/m1',
        resourceType: 'MedicationRequest',
        drug: 'carboplatin',
        asRecorded: 'carboplatin 10 MG/ML Injectable Solution',
        classes: ['PLATINUM'],
        inScope: true,
        route: 'intravenous',
        dose: { value: 560, unit: 'mg' },
        reason: 'Small cell carcinoma of prostate',
      },
    ]);
  });

  it('reasonCode as a single object (as the CDS Hooks Sandbox sends it) or as an array; reasonReference displays', () => {
    expect(reasonOf({ reasonCode: { text: 'symptom control', coding: [{ display: 'Carcinoid syndrome' }] } })).toBe('symptom control');
    expect(reasonOf({ reasonCode: { coding: [{ code: 'x' }, { display: 'Carcinoid syndrome' }] } })).toBe('Carcinoid syndrome');
    expect(reasonOf({ reasonCode: [{ text: 'a' }, { text: 'b' }, { text: 'a' }] })).toBe('a; b');
    expect(reasonOf({ reasonReference: [{ reference: 'Condition/c', display: 'Renal cell carcinoma' }] })).toBe('Renal cell carcinoma');
    expect(reasonOf({})).toBeUndefined();
  });

  it('short-acting octreotide drafted for symptom control is not an SSA; octreotide LAR is', () => {
    const shortActing = medicationDraft('s', {
      medicationCodeableConcept: { text: 'octreotide 100 mcg' },
      dosageInstruction: [{ route: { text: 'subcutaneous' }, text: 'TID' }],
      reasonCode: { text: 'diarrhoea' } as unknown as MedicationRequest['reasonCode'],
    });
    const lar = medicationDraft('l', { medicationCodeableConcept: { text: 'Sandostatin LAR Depot 30 mg' } });
    expect(drafts([shortActing, lar]).drafts.map((d) => [d.ref, d.drug, d.classes, d.route, d.reason])).toEqual([
      ['MedicationRequest/s', 'octreotide', [], 'subcutaneous', 'diarrhoea'],
      ['MedicationRequest/l', 'octreotide', ['SSA'], undefined, undefined],
    ]);
  });

  it('ServiceRequest drafts carry the procedure concept (by code or text) and the reason', () => {
    const tace = serviceDraft('s1', { code: { text: 'TACE of liver metastases' }, reasonCode: [{ text: 'liver metastases' }] });
    const psa = serviceDraft('s2', { code: { coding: [{ system: 'http://loinc.org', code: '2857-1', display: 'PSA' }] } });
    const other = serviceDraft('s3', { code: { text: 'Echocardiogram' } });
    expect(drafts([tace, psa, other]).drafts.map((d) => [d.ref, d.procedure, d.asRecorded, d.reason, d.classes])).toEqual([
      ['ServiceRequest/s1', 'tace', 'TACE of liver metastases', 'liver metastases', []],
      ['ServiceRequest/s2', 'psa-test-order', 'PSA', undefined, []],
      ['ServiceRequest/s3', undefined, 'Echocardiogram', undefined, []],
    ]);
  });

  it('order-select: only the selections are in scope; patient-view has no drafts', () => {
    const a = medicationDraft('a', { medicationCodeableConcept: { text: 'cisplatin' } });
    const b = medicationDraft('b', { medicationCodeableConcept: { text: 'etoposide' } });
    expect(drafts([a, b], 'order-select', ['MedicationRequest/b']).drafts.map((d) => [d.ref, d.inScope])).toEqual([
      ['MedicationRequest/a', false],
      ['MedicationRequest/b', true],
    ]);
    expect(drafts([a], 'patient-view').drafts).toEqual([]);
  });

  it('a draft whose resourceType or id could not be part of a reference is not a draft (never " /id" or "Type/a b")', () => {
    const blankType = { ...medicationDraft('m1', {}), resourceType: ' ' } as unknown as Resource;
    const spacedId = medicationDraft('m 2', {});
    const slashedId = medicationDraft('a/b', {});
    expect(drafts([blankType, spacedId, slashedId, medicationDraft('m3', {})]).drafts.map((d) => d.ref)).toEqual(['MedicationRequest/m3']);
  });

  it('a draft with no medication yet is kept as "medication not yet chosen"', () => {
    expect(drafts([medicationDraft('x', {})]).drafts).toEqual([
      { ref: 'MedicationRequest/x', resourceType: 'MedicationRequest', asRecorded: 'medication not yet chosen', classes: [], inScope: true },
    ]);
  });
});

describe('extractDraftOrders on requests captured from the real CDS Hooks Sandbox', () => {
  it.each([
    ['order-select-1-empty-draft.json', { asRecorded: 'medication not yet chosen', classes: [] }],
    ['order-select-2-with-reason.json', { asRecorded: 'medication not yet chosen', reason: 'Metastatic castration-resistant prostate adenocarcinoma' }],
    [
      'order-select-3-with-medication.json',
      {
        drug: 'enzalutamide',
        classes: ['ARPI'],
        route: 'oral',
        dose: { value: 1, unit: '{pill}' },
        reason: 'Metastatic castration-resistant prostate adenocarcinoma',
        inScope: true,
      },
    ],
    ['order-select-4-after-accepted-suggestion.json', { drug: 'abiraterone', classes: ['ARPI'], asRecorded: 'abiraterone acetate 250 MG Oral Tablet' }],
    ['order-sign.json', { drug: 'enzalutamide', inScope: true }],
  ])('%s', (file, expected) => {
    const { draftOrders, selections, hook } = capturedContext(file);
    const unreadable: string[] = [];
    const list = extractDraftOrders(draftOrders, selections, hook, new ResourceSet(), terminology, unreadable);
    expect(unreadable).toEqual([]);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ ref: 'MedicationRequest/request-123', ...expected });
  });
});
