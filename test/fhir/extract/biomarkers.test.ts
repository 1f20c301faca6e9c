import { readFileSync, readdirSync } from 'node:fs';
import type { Bundle, Observation, ObservationComponent, Resource } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import type { Biomarkers } from '../../../src/engine/picture.js';
import { extractBiomarkers } from '../../../src/fhir/extract/biomarkers.js';
import { ResourceSet } from '../../../src/fhir/resources.js';
import { loadTerminology } from '../../../src/fhir/terminology.js';

const terminology = loadTerminology();
const LOINC = 'http://loinc.org';
const HGNC = 'http://www.genenames.org';
const external = new URL('../../../../shared/external-fhir/', import.meta.url);

function run(...values: (Resource | Bundle)[]): { biomarkers: Biomarkers; unreadable: string[] } {
  const set = new ResourceSet();
  for (const v of values) set.add(v);
  const unreadable: string[] = [];
  return { biomarkers: extractBiomarkers(set, terminology, unreadable), unreadable };
}

function readExternal(path: string): Resource {
  return JSON.parse(readFileSync(new URL(path, external), 'utf8')) as Resource;
}

function obs(id: string, code: Observation['code'], value: Partial<Observation>, extra: Partial<Observation> = {}): Observation {
  return { resourceType: 'Observation', id, status: 'final', code, subject: { reference: 'Patient/p' }, effectiveDateTime: '2026-10-01', ...value, ...extra };
}

const loinc = (code: string, display?: string) => ({ coding: [{ system: LOINC, code, ...(display ? { display } : {}) }] });
const text = (t: string) => ({ text: t });
const valueText = (t: string) => ({ valueCodeableConcept: { text: t } });
const gene = (symbol: string, code?: string): ObservationComponent => ({
  code: loinc('48018-6'),
  valueCodeableConcept: { coding: [{ system: HGNC, ...(code ? { code } : {}), display: symbol }] },
});
const comp = (code: string, display: string): ObservationComponent => ({ code: loinc(code), valueCodeableConcept: { coding: [{ display }] } });
const PRESENT = { valueCodeableConcept: { coding: [{ system: LOINC, code: 'LA9633-4', display: 'Present' }] } };
const ABSENT = { valueCodeableConcept: { coding: [{ system: LOINC, code: 'LA9634-2', display: 'Absent' }] } };

function variant(id: string, value: Partial<Observation>, components: ObservationComponent[]): Observation {
  return obs(id, loinc('69548-6', 'Genetic variant assessment'), value, { component: components });
}

describe('extractBiomarkers: nothing tested', () => {
  it('every biomarker is Missing with a reason', () => {
    expect(run().biomarkers).toEqual({
      brafV600E: { missing: true, reason: 'no BRAF V600E result on record' },
      msiHighOrDmmr: { missing: true, reason: 'no microsatellite-instability or mismatch-repair result on record' },
      tmb: { missing: true, reason: 'no tumour mutational burden result on record' },
      hrr: { missing: true, reason: 'no homologous-recombination-repair gene result on record' },
    });
  });
});

describe('extractBiomarkers: BRAF V600E', () => {
  it.each([
    ['IHC 85299-6 positive', obs('o', loinc('85299-6'), valueText('Positive')), 'positive'],
    ['IHC 85299-6 negative', obs('o', loinc('85299-6'), valueText('Negative')), 'negative'],
    ['mutation analysis 53844-7 "V600E detected"', obs('o', loinc('53844-7'), { valueString: 'BRAF V600E mutation detected' }), 'positive'],
    ['mutation analysis 53844-7 "Detected" without the variant', obs('o', loinc('53844-7'), valueText('Detected')), 'indeterminate'],
    ['mutation analysis 53844-7 "V600K detected"', obs('o', loinc('53844-7'), { valueString: 'V600K detected' }), 'negative'],
    ['local code, text "BRAF V600E", not detected', obs('o', text('BRAF V600E PCR'), valueText('Not detected')), 'negative'],
    ['variant: BRAF p.Val600Glu present', variant('v', PRESENT, [gene('BRAF', 'HGNC:1097'), comp('48005-3', 'NP_004324.2:p.(Val600Glu)')]), 'positive'],
    ['variant: BRAF p.Gly469Ala present', variant('v', PRESENT, [gene('BRAF'), comp('48005-3', 'p.Gly469Ala')]), 'negative'],
    ['variant: BRAF, change not stated', variant('v', PRESENT, [gene('BRAF')]), 'indeterminate'],
    [
      'variant: BRAF (HGNC id only) absent',
      variant('v', ABSENT, [{ code: loinc('48018-6'), valueCodeableConcept: { coding: [{ system: HGNC, code: 'HGNC:1097' }] } }]),
      'negative',
    ],
    ['failed test', obs('o', loinc('85299-6'), valueText('Indeterminate - insufficient tumour')), 'indeterminate'],
  ])('%s → %s', (_label, observation, expected) => {
    expect(run(observation).biomarkers.brafV600E).toMatchObject({ value: expected, sources: [`Observation/${observation.id}`], date: '2026-10-01' });
  });

  it('positive wins over negative, and the fact lists every positive Observation', () => {
    const { biomarkers } = run(
      obs('neg', loinc('85299-6'), valueText('Negative'), { effectiveDateTime: '2026-11-01' }),
      obs('pos1', loinc('85299-6'), valueText('Positive'), { effectiveDateTime: '2026-03-01' }),
      obs('pos2', loinc('53844-7'), { valueString: 'V600E detected' }, { effectiveDateTime: '2026-05-01' }),
    );
    expect(biomarkers.brafV600E).toEqual({ value: 'positive', date: '2026-05-01', sources: ['Observation/pos1', 'Observation/pos2'] });
  });

  it('entered-in-error and cancelled results do not count', () => {
    expect(
      run(
        obs('o', loinc('85299-6'), valueText('Positive'), { status: 'entered-in-error' }),
        obs('c', loinc('85299-6'), valueText('Positive'), { status: 'cancelled' }),
      ).biomarkers.brafV600E,
    ).toMatchObject({ missing: true });
  });
});

describe('extractBiomarkers: MSI-high / dMMR', () => {
  it.each([
    [
      'MSI-H (LOINC answer)',
      obs('o', loinc('81695-9'), { valueCodeableConcept: { coding: [{ system: LOINC, code: 'LA26203-2', display: 'MSI-H' }] } }),
      'positive',
    ],
    ['"high"', obs('o', loinc('81695-9'), valueText('High')), 'positive'],
    ['"unstable"', obs('o', loinc('43368-0'), valueText('Microsatellite unstable')), 'positive'],
    ['MSS', obs('o', loinc('81695-9'), valueText('MSS')), 'negative'],
    ['"stable"', obs('o', loinc('81695-9'), valueText('Microsatellite stable')), 'negative'],
    ['MSI-L', obs('o', loinc('81695-9'), valueText('MSI-L')), 'negative'],
    ['"proficient" (pMMR)', obs('o', text('Mismatch repair status'), valueText('Proficient (pMMR)')), 'negative'],
    ['dMMR', obs('o', text('Mismatch repair status'), valueText('dMMR')), 'positive'],
    ['loss of MLH1 by IHC', obs('o', text('MLH1 immunohistochemistry'), valueText('Loss of nuclear expression')), 'positive'],
    ['PMS2 retained', obs('o', text('PMS2 IHC'), valueText('Intact / retained')), 'negative'],
    ['MSI equivocal', obs('o', loinc('81695-9'), valueText('Equivocal')), 'indeterminate'],
  ])('%s → %s', (_label, observation, expected) => {
    expect(run(observation).biomarkers.msiHighOrDmmr).toMatchObject({ value: expected, sources: ['Observation/o'] });
  });

  it('MSI-H with intact MMR elsewhere is still positive', () => {
    const { biomarkers } = run(obs('a', loinc('81695-9'), valueText('MSI-H')), obs('b', text('MSH6 IHC'), valueText('intact')));
    expect(biomarkers.msiHighOrDmmr).toMatchObject({ value: 'positive', sources: ['Observation/a'] });
  });
});

describe('extractBiomarkers: TMB', () => {
  it.each([
    [{ valueQuantity: { value: 12.5, unit: 'mut/Mb' } }, 12.5],
    [{ valueQuantity: { value: 57.1, system: 'http://unitsofmeasure.org', code: '1/1000000{Base}' } }, 57.1],
    [{ valueString: '14 mut/Mb' }, 14],
    [{ valueQuantity: { value: 3, unit: 'ng/mL' } }, undefined],
  ])('%j → %s mut/Mb', (value, expected) => {
    const tmb = run(obs('o', loinc('94076-7'), value)).biomarkers.tmb;
    expect(tmb).toEqual(
      expected === undefined
        ? { missing: true, reason: 'no tumour mutational burden result on record' }
        : { value: expected, unit: 'mut/Mb', date: '2026-10-01', sources: ['Observation/o'] },
    );
  });

  it('the latest TMB wins', () => {
    const { biomarkers } = run(
      obs('old', loinc('94076-7'), { valueQuantity: { value: 4, unit: 'mut/Mb' } }, { effectiveDateTime: '2025-01-01' }),
      obs('new', text('Tumor mutational burden'), { valueQuantity: { value: 11, unit: 'mut/Mb' } }),
    );
    expect(biomarkers.tmb).toMatchObject({ value: 11, sources: ['Observation/new'] });
  });
});

describe('extractBiomarkers: HRR alterations', () => {
  const pathogenic = comp('53037-8', 'Pathogenic');
  it.each([
    ['BRCA2 pathogenic', variant('v', PRESENT, [gene('BRCA2'), pathogenic]), 'positive'],
    ['ATM likely pathogenic', variant('v', PRESENT, [gene('ATM'), comp('53037-8', 'Likely pathogenic')]), 'positive'],
    ['CDK12 variant of uncertain significance', variant('v', PRESENT, [gene('CDK12'), comp('53037-8', 'Uncertain significance')]), 'indeterminate'],
    ['CHEK2 benign', variant('v', PRESENT, [gene('CHEK2'), comp('53037-8', 'Benign')]), 'negative'],
    ['PALB2 present, significance not stated', variant('v', PRESENT, [gene('PALB2', 'HGNC:26144')]), 'indeterminate'],
    [
      'BRCA1 (HGNC id only) absent',
      variant('v', ABSENT, [{ code: loinc('48018-6'), valueCodeableConcept: { coding: [{ system: HGNC, code: 'HGNC:1100' }] } }]),
      'negative',
    ],
    ['BRCA1 test by LOINC, pathogenic mutation', obs('v', loinc('21636-6'), { valueString: 'Pathogenic mutation detected' }), 'positive'],
    ['BRCA2 test by LOINC, negative', obs('v', loinc('38530-2'), valueText('Negative')), 'negative'],
  ])('%s → %s', (_label, observation, expected) => {
    expect(run(observation).biomarkers.hrr).toMatchObject({ value: expected, sources: ['Observation/v'] });
  });

  it('a non-HRR gene (STK11, BAP1) is not an HRR result', () => {
    expect(run(variant('v', PRESENT, [gene('STK11'), pathogenic])).biomarkers.hrr).toMatchObject({ missing: true });
  });

  it('a diagnostic-implication Observation supplies the clinical significance of the variant it derives from', () => {
    const v = variant('v', PRESENT, [gene('BRCA2')]);
    const implication = obs(
      'impl',
      { coding: [{ system: 'http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs', code: 'diagnostic-implication' }] },
      {},
      {
        derivedFrom: [{ reference: 'Observation/v' }],
        component: [pathogenic],
      },
    );
    expect(run(v, implication).biomarkers.hrr).toMatchObject({ value: 'positive', sources: ['Observation/v'] });
  });

  it('uncertain outranks negative; positive outranks both', () => {
    const vus = variant('vus', PRESENT, [gene('BRCA1'), comp('53037-8', 'Uncertain significance')]);
    const neg = variant('neg', ABSENT, [gene('BRCA2')]);
    expect(run(vus, neg).biomarkers.hrr).toMatchObject({ value: 'indeterminate', sources: ['Observation/vus'] });
    expect(run(vus, neg, variant('pos', PRESENT, [gene('ATM'), pathogenic])).biomarkers.hrr).toMatchObject({ value: 'positive', sources: ['Observation/pos'] });
  });
});

describe('extractBiomarkers on real data (../shared/external-fhir mCODE genomics)', () => {
  it('Adam Anyperson genomic bundle + its MSI Observation (referenced by the report, not in the bundle): MSI-H, TMB 57.1 mut/Mb, BRAF negative (pertinent negative NRAS/KIT/BRAF), no HRR gene result', () => {
    const { biomarkers, unreadable } = run(
      readExternal('mcode-stu4/Bundle-gx-genomic-bundle-adam-anyperson.json'),
      readExternal('mcode-stu4/Observation-gx-genomic-msi.json'),
    );
    expect(unreadable).toEqual([]);
    expect(biomarkers).toEqual({
      msiHighOrDmmr: { value: 'positive', date: '2019-04-01', sources: ['Observation/gx-genomic-msi'] },
      tmb: { value: 57.1, unit: 'mut/Mb', date: '2019-04-01', sources: ['Observation/gx-genomic-tmb'] },
      brafV600E: { value: 'negative', date: '2019-04-01', sources: ['Observation/gx-genomic-variant-pertinent-negative-nras-kit-braf'] },
      hrr: { missing: true, reason: 'no homologous-recombination-repair gene result on record' },
    });
  });

  it('Jenny M: a PALB2 stop-gain with no clinical significance stated is indeterminate, not positive', () => {
    const { biomarkers } = run(
      readExternal('mcode-stu4/Observation-genomic-variant-jenny-m.json'),
      readExternal('mcode-stu4/Observation-genomic-region-studied-jenny-m.json'),
    );
    expect(biomarkers.hrr).toEqual({ value: 'indeterminate', date: '2018-03-15', sources: ['Observation/genomic-variant-jenny-m'] });
  });

  it('John Anyperson: a BRCA1 germline deletion "Present / Positive" without pathogenicity is indeterminate; STK11 is not HRR', () => {
    const { biomarkers } = run(
      readExternal('mcode-stu4/Observation-genomic-variant-germline-deletion.json'),
      readExternal('mcode-stu4/Observation-genomic-variant-somatic-single-nucleotide.json'),
    );
    expect(biomarkers.hrr).toMatchObject({ value: 'indeterminate', sources: ['Observation/genomic-variant-germline-deletion'] });
    expect(biomarkers.brafV600E).toMatchObject({ missing: true });
  });

  it('the FHIR core genetics examples (EGFR, TPMT, "BRCA" gene without a result) give no biomarker', () => {
    const files = readdirSync(new URL('fhir-r4-core-examples/', external)).filter((f) => /^Observation-example-(genetics|TPMT)/.test(f));
    expect(files.length).toBeGreaterThan(4);
    const { biomarkers, unreadable } = run(...files.map((f) => readExternal(`fhir-r4-core-examples/${f}`)));
    expect(unreadable).toEqual([]);
    expect(Object.values(biomarkers).every((b) => 'missing' in b)).toBe(true);
  });

  it('every mCODE file reads without unreadable entries', () => {
    const files = readdirSync(new URL('mcode-stu4/', external)).filter((f) => f.endsWith('.json'));
    const { unreadable } = run(...files.map((f) => readExternal(`mcode-stu4/${f}`)));
    expect(unreadable).toEqual([]);
  });
});
