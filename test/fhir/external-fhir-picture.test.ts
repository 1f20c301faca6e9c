import { readdirSync, readFileSync } from 'node:fs';
import type { Bundle, Resource } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { classifyNepc } from '../../src/engine/classify/nepc.js';
import { isKnown, type PatientPicture } from '../../src/engine/picture.js';
import { buildPicture } from '../../src/fhir/picture.js';
import { ResourceSet } from '../../src/fhir/resources.js';
import { loadTerminology } from '../../src/fhir/terminology.js';

/**
 * The whole patient picture built from real FHIR data nobody here wrote (../shared/external-fhir, read as is):
 * what each source yields, fact by fact. The extraction families have their own unit tests; this is the
 * end-to-end check that they cope together with foreign shapes.
 */

const terminology = loadTerminology();
const external = new URL('../../../shared/external-fhir/', import.meta.url);
const now = new Date('2026-11-23T09:00:00Z');
const options = { depotGraceDays: 14, adjustedWeightAbovePercentIdeal: 120 };

function read(path: string): Resource {
  return JSON.parse(readFileSync(new URL(path, external), 'utf8')) as Resource;
}

function picture(patientId: string, ...values: Resource[]): PatientPicture {
  const resources = new ResourceSet();
  values.forEach((v) => resources.add(v));
  return buildPicture({ patientId, hook: 'patient-view', now, resources, unreadable: [] }, terminology, options);
}

/** A Synthea transaction Bundle holds one patient; its id comes from the Patient entry. */
function synthea(file: string): PatientPicture {
  const bundle = read(`synthea-smart-r4/${file}`) as Bundle;
  const id = bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource?.id ?? '';
  return picture(id, bundle);
}

/** The mCODE examples are one file per resource: gather one patient's (and every Medication). */
function mcode(patientId: string): PatientPicture {
  const dir = new URL('mcode-stu4/', external);
  const mine = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('Bundle-'))
    .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Resource)
    .filter((r) => (r.resourceType === 'Patient' && r.id === patientId) || JSON.stringify(r).includes(`"Patient/${patientId}"`));
  return picture(patientId, ...mine);
}

const values = (facts: { value: number; date?: string }[]) => facts.map((f) => [Number(f.value.toFixed(2)), f.date?.slice(0, 10)]);
const drugs = (p: PatientPicture, status: 'current' | 'past') => [...new Set(p.therapies.filter((t) => t.status === status).map((t) => t.drug))].sort();

describe('Synthea (synthea-smart-r4)', () => {
  it('Sherman McGlynn: small cell lung cancer + prostate carcinoma, leuprolide (SCD 752899) current, cisplatin/etoposide past, PSA, creatinine 38483-4', () => {
    const p = synthea('Sherman_McGlynn_8ef2ef98-48c5-427e-80d4-5e8f30ac8bf5.json');
    expect(isKnown(p.age) && p.age.value).toBe(75); // died 2012: age stops at death
    expect([...new Set(p.cancers.map((c) => c.primarySite))].sort()).toEqual(['lung', 'prostate']);
    expect(p.histology.filter((h) => h.histologyClass === 'small-cell').map((h) => h.display)).toContain('Small cell carcinoma of lung');
    expect(p.nen.nenClass).toBe('NEC');
    expect(classifyNepc(p).status).toBe('origin-uncertain');
    expect(drugs(p, 'current')).toEqual(['docetaxel', 'leuprolide']);
    expect(drugs(p, 'past')).toEqual(['cisplatin', 'etoposide']);
    expect(p.therapies.filter((t) => t.drug === 'etoposide')).toHaveLength(45);
    expect(values(p.psa)).toEqual([[5.56, '2003-01-07']]);
    expect(p.renal.creatinine).toMatchObject({ unit: 'mg/dL', date: '2003-04-07T06:01:37+00:00' });
    expect(p.metastases).toEqual([]);
    expect(p.unreadable).toEqual([]);
  });

  it('Ali Herman: prostate neoplasm, PSA series of 8 newest first, leuprolide + docetaxel current, Cockcroft–Gault on adjusted weight', () => {
    const p = synthea('Ali_Herman_75c71918-f07f-4492-af1a-ce006a1e8aaf.json');
    expect(p.cancers.map((c) => c.primarySite)).toEqual(['prostate', 'prostate']);
    expect(values(p.psa)).toEqual([
      [4.53, '2020-06-08'],
      [0.54, '2019-06-09'],
      [2.94, '2018-05-28'],
      [1.98, '2017-05-28'],
      [2.69, '2016-02-29'],
      [0.85, '2015-03-01'],
      [7.2, '2014-02-17'],
      [2.99, '2013-02-17'],
    ]);
    expect(drugs(p, 'current')).toEqual(['docetaxel', 'leuprolide']);
    expect(p.nen.nenClass).toBe('not-neuroendocrine');
    expect(p.renal.crcl).toMatchObject({ formula: expect.stringContaining('adjusted body weight') });
    // One PSA since leuprolide began: castration resistance cannot be judged, and is not guessed.
    expect(p.castrationResistant).toMatchObject({ missing: true });
  });

  it('Vito Feeney: "Metastasis from malignant tumor of prostate" is metastatic disease (site not given), never a bone or liver guess', () => {
    const p = synthea('Vito_Feeney_63dd4423-56ec-4f40-9dd6-82bc133aaddc.json');
    expect(p.metastases.map((m) => [m.site, m.visceral])).toEqual([['other', false]]);
    expect(p.psa).toHaveLength(7);
    expect(p.therapies).toEqual([]);
    expect(p.castrationResistant).toMatchObject({ missing: true });
  });
});

describe('mCODE STU4 IG examples (mcode-stu4)', () => {
  it('John Anyperson: NSCLC (adenocarcinoma histology, not small cell), brain metastasis (visceral), ECOG 0, responding, cisplatin past', () => {
    const p = mcode('cancer-patient-john-anyperson');
    expect(p.cancers.map((c) => [c.primarySite, c.display])).toEqual([['lung', 'Non-small cell lung cancer']]);
    expect(p.histology.map((h) => h.histologyClass)).toEqual(['adenocarcinoma']);
    expect(p.nen.nenClass).toBe('not-neuroendocrine');
    expect(p.metastases.map((m) => [m.site, m.visceral, m.sources[0]])).toEqual([['brain', true, 'Condition/secondary-cancer-condition-brain-mets']]);
    expect(p.ecog).toMatchObject({ value: 0, date: '2019-04-01' });
    expect(p.diseaseStatus).toMatchObject({ value: 'responding' });
    expect(drugs(p, 'past')).toEqual(['cisplatin']);
    expect(drugs(p, 'current')).toEqual([]);
  });

  it('Jenny M: breast cancer in remission is not an active cancer; ductal carcinoma histology; weight', () => {
    const p = mcode('cancer-patient-jenny-m');
    expect(p.cancers).toEqual([]);
    expect(p.histology.map((h) => h.histologyClass)).toContain('adenocarcinoma');
    expect(p.weight).toMatchObject({ unit: 'kg' });
    expect(p.ecog).toMatchObject({ value: 0 });
  });

  it('Brian L: B-cell ALL is a cancer of another site; blood counts with their units', () => {
    const p = mcode('cancer-patient-brian-l');
    expect(p.cancers.map((c) => c.primarySite)).toEqual(['other']);
    expect(p.labs.hemoglobin).toMatchObject({ value: 6.7, unit: 'g/dL', date: '2024-01-04' });
    expect(p.labs.wbc).toMatchObject({ value: 88.5, unit: '10*3/uL' });
  });
});

describe('EHR vendor samples', () => {
  it('Epic conditions coded with OIDs (urn:oid:…6.90 ICD-10-CM) are read; none is a cancer', () => {
    const p = picture('any', read('ronin-interop-ehr-epic-cerner/epic-ExampleConditionBundle.json'));
    expect(p.cancers).toEqual([]);
    expect(p.metastases).toEqual([]);
    expect(p.unreadable).toEqual([]);
  });

  it('Cerner: an entered-in-error MedicationRequest and an entered-in-error Observation are ignored', () => {
    const p = picture(
      'any',
      read('cerner-millennium-r4-docs/r4-medication-request-entered-in-error.json'),
      read('cerner-millennium-r4-docs/r4-observation-entered-in-error-status.json'),
    );
    expect(p.therapies).toEqual([]);
    expect(isKnown(p.labs.hemoglobin)).toBe(false);
  });

  it('FHIR core f204: creatinine in µmol/L with a SNOMED unit and a local code → mg/dL', () => {
    const p = picture('any', read('fhir-r4-core-examples/Observation-f204.json'));
    expect(p.renal.creatinine).toMatchObject({ value: expect.closeTo(1.38, 2), unit: 'mg/dL' });
  });
});
