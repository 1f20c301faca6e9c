import type { Condition, Patient, Procedure, Resource } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { extractMetastases } from '../../../src/fhir/extract/metastases.js';
import { ageAt, extractDemographics } from '../../../src/fhir/extract/patient.js';
import { extractCodedCastrationStatus, extractNeuropathy, extractOrchiectomy } from '../../../src/fhir/extract/status-conditions.js';
import { ResourceSet } from '../../../src/fhir/resources.js';
import { loadTerminology } from '../../../src/fhir/terminology.js';

const terminology = loadTerminology();
const SCT = 'http://snomed.info/sct';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10-cm';

function set(...resources: Resource[]): ResourceSet {
  const s = new ResourceSet();
  resources.forEach((r) => s.add(r));
  return s;
}

let n = 0;
function condition(coding: { system: string; code: string; display?: string }[], overrides: Partial<Condition> = {}): Condition {
  return {
    resourceType: 'Condition',
    id: `c${++n}`,
    subject: { reference: 'Patient/p' },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    code: { coding },
    onsetDateTime: '2026-10-01',
    ...overrides,
  };
}

describe('ageAt', () => {
  const now = new Date('2026-11-23T09:00:00Z');
  it.each([
    ['1952-03-14', 74],
    ['1952-11-23', 74],
    ['1952-11-24', 73],
    ['1952-11', 73],
    ['1952', 73],
    ['not a date', undefined],
  ])('born %s → %s on 2026-11-23', (birthDate, age) => {
    expect(ageAt(birthDate, now)).toBe(age);
  });
});

describe('extractDemographics', () => {
  const now = new Date('2026-11-23T09:00:00Z');
  it('age at the hook time and sex, citing the Patient', () => {
    const patient: Patient = { resourceType: 'Patient', id: 'p', birthDate: '1952-03-14', gender: 'male' };
    expect(extractDemographics(set(patient), 'p', now)).toEqual({
      age: { value: 74, unit: 'a', date: '1952-03-14', sources: ['Patient/p'] },
      sex: { value: 'male', sources: ['Patient/p'] },
    });
  });
  it('no Patient, no birth date, no gender → Missing with the reason', () => {
    expect(extractDemographics(set(), 'p', now).age).toMatchObject({ missing: true });
    const bare: Patient = { resourceType: 'Patient', id: 'p' };
    expect(extractDemographics(set(bare), 'p', now)).toEqual({
      age: { missing: true, reason: 'no usable birth date recorded' },
      sex: { missing: true, reason: 'no administrative sex recorded' },
    });
  });
});

describe('extractMetastases', () => {
  it.each([
    [[{ system: ICD10, code: 'C78.7' }], 'liver', true],
    [[{ system: 'urn:oid:2.16.840.1.113883.6.90', code: 'C78.7' }], 'liver', true],
    [[{ system: ICD10, code: 'C78.01' }], 'lung', true],
    [[{ system: ICD10, code: 'C78.2' }], 'pleura', true],
    [[{ system: ICD10, code: 'C78.6' }], 'peritoneum', true],
    [[{ system: ICD10, code: 'C79.31' }], 'brain', true],
    [[{ system: ICD10, code: 'C79.71' }], 'adrenal', true],
    [[{ system: ICD10, code: 'C79.51' }], 'bone', false],
    [[{ system: ICD10, code: 'C77.2' }], 'lymph-node', false],
    [[{ system: ICD10, code: 'C7B.02' }], 'liver', true],
    [[{ system: SCT, code: '94381002' }], 'liver', true],
    [[{ system: SCT, code: '94222008' }], 'bone', false],
    [[{ system: SCT, code: '314994000', display: 'Metastasis from malignant tumor of prostate (disorder)' }], 'other', false],
  ])('%j → %s (visceral %s)', (coding, site, visceral) => {
    const [metastasis] = extractMetastases(set(condition(coding)), terminology, []);
    expect(metastasis).toMatchObject({ site, visceral, date: '2026-10-01' });
  });

  it('mCODE SecondaryCancerCondition: site from bodySite', () => {
    const secondary = condition([{ system: SCT, code: '128462008', display: 'Metastatic malignant neoplasm' }], {
      meta: { profile: ['http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-secondary-cancer-condition'] },
      bodySite: [{ coding: [{ system: SCT, code: '10200004', display: 'Liver structure' }] }],
    });
    expect(extractMetastases(set(secondary), terminology, [])).toMatchObject([{ site: 'liver', visceral: true }]);
  });

  it('never the bodySite of a primary: small cell lung cancer with bodySite lung is not a lung metastasis', () => {
    const primary = condition([{ system: SCT, code: '254632001', display: 'Small cell carcinoma of lung' }], {
      bodySite: [{ coding: [{ system: SCT, code: '39607008', display: 'Lung structure' }] }],
    });
    expect(extractMetastases(set(primary), terminology, [])).toEqual([]);
  });

  it('resolved, refuted and entered-in-error secondary conditions are not current metastases', () => {
    const resolved = condition([{ system: ICD10, code: 'C78.7' }], { clinicalStatus: { coding: [{ code: 'resolved' }] } });
    const refuted = condition([{ system: ICD10, code: 'C78.7' }], { verificationStatus: { coding: [{ code: 'refuted' }] } });
    const error = condition([{ system: ICD10, code: 'C78.7' }], { verificationStatus: { coding: [{ code: 'entered-in-error' }] } });
    expect(extractMetastases(set(resolved, refuted, error), terminology, [])).toEqual([]);
  });
});

describe('extractNeuropathy', () => {
  it.each([[{ system: ICD10, code: 'G62.0' }], [{ system: ICD10, code: 'G62.81' }], [{ system: ICD10, code: 'E11.42' }], [{ system: SCT, code: '302226006' }]])(
    '%j → neuropathy',
    (coding) => {
      expect(extractNeuropathy(set(condition([coding])), terminology, [])).toMatchObject({ sources: [expect.stringMatching(/^Condition\//)] });
    },
  );
  it('none on record → Missing', () => {
    expect(extractNeuropathy(set(condition([{ system: ICD10, code: 'I10' }])), terminology, [])).toEqual({
      missing: true,
      reason: 'no peripheral neuropathy on record',
    });
  });
});

describe('extractCodedCastrationStatus', () => {
  it('Z19.2 → resistant; Z19.1 → sensitive; the newest wins', () => {
    const sensitive = condition([{ system: ICD10, code: 'Z19.1' }], { onsetDateTime: '2023-01-01' });
    const resistant = condition([{ system: ICD10, code: 'Z19.2', display: 'Hormone resistant malignancy status' }], { onsetDateTime: '2025-02-10' });
    expect(extractCodedCastrationStatus(set(sensitive, resistant), terminology, [])).toMatchObject({ value: true, date: '2025-02-10' });
    expect(extractCodedCastrationStatus(set(sensitive), terminology, [])).toMatchObject({ value: false });
    expect(extractCodedCastrationStatus(set(), terminology, [])).toBeUndefined();
  });
});

describe('extractOrchiectomy', () => {
  const procedure = (text: string, status: Procedure['status'] = 'completed'): Procedure => ({
    resourceType: 'Procedure',
    id: `p${++n}`,
    status,
    subject: { reference: 'Patient/p' },
    code: { text },
    performedDateTime: '2024-05-01',
  });
  it('a completed bilateral orchiectomy counts, with its date', () => {
    expect(extractOrchiectomy(set(procedure('Bilateral subcapsular orchiectomy')), [])).toMatchObject({ value: '2024-05-01' });
  });
  it.each([
    ['Left radical orchiectomy', 'completed'],
    ['Bilateral orchiectomy', 'not-done'],
  ] as const)('%s (%s) does not', (text, status) => {
    expect(extractOrchiectomy(set(procedure(text, status)), [])).toBeUndefined();
  });
});
