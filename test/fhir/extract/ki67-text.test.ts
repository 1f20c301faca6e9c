import type { DiagnosticReport, Medication, MedicationRequest } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { ki67FromReports, newestKi67 } from '../../../src/fhir/extract/ki67-text.js';
import { identifyDrug } from '../../../src/fhir/extract/medication.js';
import { ResourceSet } from '../../../src/fhir/resources.js';
import { loadTerminology } from '../../../src/fhir/terminology.js';

const report = (conclusion: string, date = '2026-10-14', status: DiagnosticReport['status'] = 'final'): DiagnosticReport => ({
  resourceType: 'DiagnosticReport',
  id: `r-${date}`,
  status,
  code: { text: 'Pathology' },
  effectiveDateTime: date,
  conclusion,
});

function setOf(...reports: DiagnosticReport[]): ResourceSet {
  const set = new ResourceSet();
  reports.forEach((r) => set.add(r));
  return set;
}

describe('ki67FromReports', () => {
  it.each([
    ['Metastatic small cell carcinoma (synaptophysin+, Ki-67 approximately 80%).', 80, undefined],
    ['Well-differentiated NET. Ki-67 index: 12 %.', 12, undefined],
    ['NET G2; Ki67 labelling index 15-18%.', 18, undefined],
    ['MIB-1 < 2% of tumour cells.', 2, '<'],
  ])('%s → %s', (conclusion, value, comparator) => {
    const fact = ki67FromReports(setOf(report(conclusion)), []);
    expect(fact).toMatchObject({ value, unit: '%', sources: ['DiagnosticReport/r-2026-10-14'] });
    expect(fact?.comparator).toBe(comparator);
  });

  it.each(['Ki-67 pending.', 'Synaptophysin 100% positive, chromogranin positive.', ''])('%s → none', (conclusion) => {
    expect(ki67FromReports(setOf(report(conclusion)), [])).toBeUndefined();
  });

  it('a preliminary report does not count; the newest final one does', () => {
    const set = setOf(report('Ki-67 30%', '2026-11-01', 'preliminary'), report('Ki-67 10%', '2026-01-01'), report('Ki-67 25%', '2026-06-01'));
    expect(ki67FromReports(set, [])?.value).toBe(25);
  });
});

describe('newestKi67', () => {
  const fromObservation = { value: 12, unit: '%', date: '2026-06-01', sources: ['Observation/k'] };
  it('the newer of Observation and report wins; a tie keeps the Observation', () => {
    expect(newestKi67(fromObservation, { ...fromObservation, value: 40, date: '2026-07-01', sources: ['DiagnosticReport/r'] })).toMatchObject({
      sources: ['DiagnosticReport/r'],
    });
    expect(newestKi67(fromObservation, { ...fromObservation, value: 40, sources: ['DiagnosticReport/r'] })).toMatchObject({ sources: ['Observation/k'] });
    expect(newestKi67({ missing: true, reason: 'none' }, undefined)).toEqual({ missing: true, reason: 'none' });
  });
});

describe('identifyDrug: a Medication coded only through its ingredients', () => {
  it('finds carboplatin from the ingredient RxNorm code of a contained Medication with a text-only code', () => {
    const request: MedicationRequest = {
      resourceType: 'MedicationRequest',
      id: 'm',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p' },
      contained: [
        <Medication>{
          resourceType: 'Medication',
          id: 'med',
          code: { text: 'CARBOplatin 450 mg in D5W 250 mL' },
          ingredient: [{ itemCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '40048' }] } }],
        },
      ],
      medicationReference: { reference: '#med' },
    };
    expect(identifyDrug(request, new ResourceSet(), loadTerminology())?.concept.id).toBe('carboplatin');
  });
});
