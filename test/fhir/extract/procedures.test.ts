import { readFileSync } from 'node:fs';
import type { Bundle, CodeableConcept, Procedure, Resource, ServiceRequest } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import type { ProcedureRecord } from '../../../src/engine/picture.js';
import { extractProcedures, identifyProcedure } from '../../../src/fhir/extract/procedures.js';
import { ResourceSet } from '../../../src/fhir/resources.js';
import { loadTerminology } from '../../../src/fhir/terminology.js';

const terminology = loadTerminology();
const SCT = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';
const external = new URL('../../../../shared/external-fhir/', import.meta.url);

function run(...values: (Resource | Bundle)[]): { procedures: ProcedureRecord[]; unreadable: string[] } {
  const set = new ResourceSet();
  for (const v of values) set.add(v);
  const unreadable: string[] = [];
  return { procedures: extractProcedures(set, terminology, unreadable), unreadable };
}

function serviceRequest(id: string, code: CodeableConcept, status: ServiceRequest['status'] = 'active', extra: Partial<ServiceRequest> = {}): ServiceRequest {
  return { resourceType: 'ServiceRequest', id, status, intent: 'order', subject: { reference: 'Patient/p' }, code, authoredOn: '2026-11-01', ...extra };
}

function procedure(id: string, code: CodeableConcept, status: Procedure['status'] = 'completed', extra: Partial<Procedure> = {}): Procedure {
  return { resourceType: 'Procedure', id, status, subject: { reference: 'Patient/p' }, code, performedDateTime: '2026-10-14', ...extra };
}

function readExternal(path: string): Resource {
  return JSON.parse(readFileSync(new URL(path, external), 'utf8')) as Resource;
}

describe('identifyProcedure: by verified code, then by text', () => {
  it.each([
    [{ coding: [{ system: SCT, code: '86259008' }] }, 'liver-biopsy', 'biopsy'],
    [{ coding: [{ system: SCT, code: '65575008' }] }, 'prostate-biopsy', 'biopsy'],
    [{ coding: [{ system: SCT, code: '314617008' }] }, 'tace', 'liver-directed'],
    [{ coding: [{ system: SCT, code: '764677008' }] }, 'tare', 'liver-directed'],
    [{ coding: [{ system: SCT, code: '432226009' }] }, 'liver-ablation', 'liver-directed'],
    [{ coding: [{ system: SCT, code: '43075005' }] }, 'colon-resection', 'surgery'],
    [{ coding: [{ system: LOINC, code: '72254-6' }] }, 'ct-chest-abdomen-pelvis', 'imaging'],
    [{ coding: [{ system: LOINC, code: '2857-1' }] }, 'psa-test-order', 'lab'],
    [{ text: 'Transarterial bland embolization of liver (TAE)' }, 'tae', 'liver-directed'],
    [{ text: 'Hepatic artery embolization' }, 'tae', 'liver-directed'],
    [{ text: 'DEB-TACE right lobe' }, 'tace', 'liver-directed'],
    [{ text: 'Y-90 radioembolization' }, 'tare', 'liver-directed'],
    [{ text: 'Microwave ablation of hepatic lesion' }, 'liver-ablation', 'liver-directed'],
    [{ text: 'Ga-68 DOTATATE PET/CT' }, 'sstr-pet', 'imaging'],
    [{ text: 'Somatostatin receptor PET' }, 'sstr-pet', 'imaging'],
    [{ text: 'CT chest, abdomen and pelvis with contrast' }, 'ct-chest-abdomen-pelvis', 'imaging'],
    [{ text: 'CT-guided liver biopsy' }, 'liver-biopsy', 'biopsy'],
    [{ coding: [{ system: 'urn:local', code: 'X1', display: 'Ki-67 immunohistochemistry' }] }, 'ki67-pathology-review', 'pathology-review'],
    [{ text: 'Pathology review for grade' }, 'ki67-pathology-review', 'pathology-review'],
    [{ text: 'Sigmoid colectomy' }, 'colon-resection', 'surgery'],
    [{ text: 'PSA, total' }, 'psa-test-order', 'lab'],
    [{ text: 'Tumour NGS panel incl. BRCA1/2 and HRR genes' }, 'genomic-test', 'genomic-test'],
  ])('%j → %s (%s)', (code, id, category) => {
    const found = identifyProcedure(code, terminology);
    expect([found?.concept.id, found?.category]).toEqual([id, category]);
  });

  it.each([
    'Ga-68 PSMA-11 PET',
    'Catheter ablation of tissue of heart',
    'Colonoscopy',
    'Biopsy of breast using ultrasonographic guidance',
    'Embolization of uterine artery',
    'CT head',
  ])('%s is none of the procedures the rules use', (text) => {
    expect(identifyProcedure({ text }, terminology)).toBeUndefined();
  });
});

describe('extractProcedures: statuses', () => {
  const liverBiopsy = { coding: [{ system: SCT, code: '86259008', display: 'Biopsy of liver' }] };

  it.each([
    ['draft', 'ordered'],
    ['active', 'ordered'],
    ['on-hold', 'ordered'],
    ['completed', 'done'],
    ['revoked', null],
    ['entered-in-error', null],
    ['unknown', null],
  ] as const)('ServiceRequest %s → %s', (status, expected) => {
    const { procedures } = run(serviceRequest('s', liverBiopsy, status));
    expect(procedures.map((p) => p.status)).toEqual(expected ? [expected] : []);
    if (expected)
      expect(procedures[0]).toEqual({
        procedure: 'liver-biopsy',
        category: 'biopsy',
        status: expected,
        display: 'Biopsy of liver',
        sources: ['ServiceRequest/s'],
        date: '2026-11-01',
      });
  });

  it('a proposal (a suggestion, not an order) is ignored; the occurrence date wins over authoredOn', () => {
    expect(run(serviceRequest('p', liverBiopsy, 'active', { intent: 'proposal' })).procedures).toEqual([]);
    expect(run(serviceRequest('o', liverBiopsy, 'active', { occurrenceDateTime: '2026-12-01' })).procedures[0]?.date).toBe('2026-12-01');
  });

  it.each([
    ['completed', 'done'],
    ['in-progress', 'done'],
    ['preparation', 'ordered'],
    ['not-done', null],
    ['stopped', null],
    ['on-hold', null],
    ['entered-in-error', null],
    ['unknown', null],
  ] as const)('Procedure %s → %s', (status, expected) => {
    const { procedures } = run(procedure('p', liverBiopsy, status));
    expect(procedures.map((p) => [p.status, p.date, p.sources])).toEqual(expected ? [[expected, '2026-10-14', ['Procedure/p']]] : []);
  });

  it('a procedure with a period is dated by its start', () => {
    const p = procedure('p', { text: 'TACE' }, 'completed', {
      performedDateTime: undefined,
      performedPeriod: { start: '2026-09-01T08:00:00Z', end: '2026-09-01T10:00:00Z' },
    });
    expect(run(p).procedures[0]).toMatchObject({ procedure: 'tace', category: 'liver-directed', date: '2026-09-01T08:00:00Z' });
  });
});

describe('extractProcedures on real data (../shared/external-fhir)', () => {
  it.each([
    [
      'synthea-smart-r4/Sherman_McGlynn_8ef2ef98-48c5-427e-80d4-5e8f30ac8bf5.json',
      [
        ['prostate-biopsy', 'done'],
        ['ct-chest-abdomen-pelvis', 'done'],
      ],
    ],
    [
      'synthea-smart-r4/Ali_Herman_75c71918-f07f-4492-af1a-ce006a1e8aaf.json',
      [
        ['prostate-biopsy', 'done'],
        ['prostate-biopsy', 'done'],
      ],
    ],
    [
      'synthea-smart-r4/Vito_Feeney_63dd4423-56ec-4f40-9dd6-82bc133aaddc.json',
      [
        ['prostate-biopsy', 'done'],
        ['prostate-biopsy', 'done'],
        ['prostate-biopsy', 'done'],
      ],
    ],
    ['mcode-stu4/ServiceRequest-gx-order-tumornormal-gensop-inc.json', [['genomic-test', 'done']]],
    ['mcode-stu4/Procedure-us-core-procedure-biopsy-jenny-m.json', []],
    ['mcode-stu4/Procedure-cancer-related-surgical-procedure-lobectomy.json', []],
    ['us-core-9.0.0/servicerequest-cbc.json', []],
    ['cerner-millennium-r4-docs/r4-procedure-bundle.json', []],
    ['ronin-interop-ehr-epic-cerner/epic-ExampleProcedureByPatient.json', []],
  ])('%s → %j', (file, expected) => {
    const { procedures, unreadable } = run(readExternal(file));
    expect(unreadable).toEqual([]);
    expect(procedures.map((p) => [p.procedure, p.status]).sort()).toEqual([...expected].sort());
    // Dated when the resource gives a date (the mCODE genomic order gives none: no date is invented).
    for (const p of procedures) expect(p.date === undefined ? file.includes('ServiceRequest-gx') : /^\d{4}-\d{2}-\d{2}/.test(p.date)).toBe(true);
  });

  it('Synthea "Catheter ablation of tissue of heart" is not liver ablation; the xT gene panel is a genomic test', () => {
    const sherman = run(readExternal('synthea-smart-r4/Sherman_McGlynn_8ef2ef98-48c5-427e-80d4-5e8f30ac8bf5.json')).procedures;
    expect(sherman.map((p) => p.category)).not.toContain('liver-directed');
    expect(run(readExternal('mcode-stu4/ServiceRequest-gx-order-tumornormal-gensop-inc.json')).procedures[0]).toMatchObject({
      category: 'genomic-test',
      display: 'xT - 648 gene panel',
      sources: ['ServiceRequest/gx-order-tumornormal-gensop-inc'],
    });
  });
});
