import { describe, expect, it } from 'vitest';
import { classifyNen, type NenInput } from '../../../src/engine/classify/nen.js';
import type { Cancer, HistologyFinding, LabFact } from '../../../src/engine/picture.js';
import { lungCancer, NONE, smallCell } from '../builders.js';

/** Near misses of the NEN classification (rules.md §2): lung mitotic cut-offs, count units, Merkel, and whole results. */

const lab = (value: number, unit = '%', date = '2026-10-01'): LabFact => ({ value, unit, date, sources: [`Observation/${unit}-${value}`] });
const mitoses = (value: number, unit = 'per 2 mm²') => lab(value, unit, '2026-10-05');
const finding = (histologyClass: HistologyFinding['histologyClass'], overrides: Partial<HistologyFinding> = {}) =>
  smallCell({
    histologyClass,
    display: `${histologyClass} finding`,
    specimenSite: 'liver',
    differentiation: 'unknown',
    sources: [`DiagnosticReport/${histologyClass}`],
    ...overrides,
  });
const classify = (input: Partial<NenInput>) => classifyNen({ histology: [], cancers: [], ki67: NONE, mitoticCount: NONE, ...input });
const lungNet = (overrides: Partial<HistologyFinding> = {}) =>
  finding('net-well-differentiated', { specimenSite: 'lung', differentiation: 'well', ...overrides });
const merkel = (sources: string[]): Cancer => ({ primarySite: 'merkel', display: 'Merkel cell carcinoma', date: '2026-09-01', sources });

describe('lung NET: mitoses per 2 mm² (typical < 2, atypical 2–10, > 10 carcinoma-range)', () => {
  it.each([
    [1.9, 'NET-G1', 'typical carcinoid'],
    [2, 'NET-G2', 'atypical carcinoid'],
    [10, 'NET-G2', 'atypical carcinoid'],
    [10.5, 'high-grade-NEN-unclear', 'a carcinoma-range count: pathology review'],
  ] as const)('%s → %s (%s)', (count, nenClass, name) => {
    const result = classify({ histology: [lungNet()], mitoticCount: mitoses(count) });
    expect(result).toMatchObject({ nenClass, gradingSystem: 'who-lung', date: '2026-10-05' });
    expect(result.basis).toBe(`net-well-differentiated finding, ${count} mitoses per 2 mm² → ${name}`);
    expect(result.sources).toEqual(['DiagnosticReport/net-well-differentiated', `Observation/per 2 mm²-${count}`]);
  });

  it('a finding without a specimen site is lung when a lung cancer is on record', () => {
    expect(classify({ histology: [lungNet({ specimenSite: undefined })], cancers: [lungCancer()], mitoticCount: mitoses(1) }).gradingSystem).toBe('who-lung');
  });

  it('a finding from the liver is not lung even with a lung cancer on record (digestive grading)', () => {
    expect(classify({ histology: [lungNet({ specimenSite: 'liver' })], cancers: [lungCancer()], mitoticCount: mitoses(1) }).gradingSystem).toBe(
      'who-2019-digestive',
    );
  });

  it('a finding without a site and no lung cancer grades as digestive', () => {
    expect(classify({ histology: [lungNet({ specimenSite: undefined })], mitoticCount: mitoses(1) }).gradingSystem).toBe('who-2019-digestive');
  });

  it('a count per mm² is doubled; per 10 HPF taken as per 2 mm²; an unstated unit does not grade', () => {
    expect(classify({ histology: [lungNet()], mitoticCount: mitoses(1.5, 'per mm²') }).basis).toContain('3 mitoses per 2 mm² → atypical carcinoid');
    expect(classify({ histology: [lungNet()], mitoticCount: mitoses(1.5, 'per 10 HPF') }).basis).toContain('1.5 mitoses per 2 mm² → typical carcinoid');
    expect(classify({ histology: [lungNet()], mitoticCount: mitoses(30, '') })).toMatchObject({ nenClass: 'NEN-ungraded', gradingSystem: 'who-lung' });
  });
});

describe('differentiation unknown: mitoses alone decide high grade (> 20)', () => {
  it.each([
    [20, 'NET-G1/G2-presumed'],
    [21, 'high-grade-NEN-unclear'],
  ] as const)('%s mitoses, no Ki-67 → %s', (count, nenClass) => {
    expect(classify({ histology: [finding('neuroendocrine-unspecified')], mitoticCount: mitoses(count) }).nenClass).toBe(nenClass);
  });
});

describe('Merkel cell carcinoma', () => {
  it('a finding that shares a source with a Merkel cell cancer is set aside', () => {
    expect(
      classify({ histology: [finding('small-cell', { sources: ['DiagnosticReport/skin', 'Observation/x'] })], cancers: [merkel(['DiagnosticReport/skin'])] })
        .nenClass,
    ).toBe('not-neuroendocrine');
  });

  it('a finding with other sources stays, beside a Merkel cell cancer', () => {
    expect(
      classify({ histology: [finding('small-cell', { sources: ['DiagnosticReport/lung'] })], cancers: [merkel(['DiagnosticReport/skin', 'Condition/mcc'])] })
        .nenClass,
    ).toBe('NEC');
  });
});

describe('whole classifications', () => {
  const scenarios: [string, Partial<NenInput>][] = [
    ['small cell', { histology: [finding('small-cell')] }],
    ['large cell NEC with Ki-67 15 %', { histology: [finding('large-cell-nec')], ki67: lab(15) }],
    [
      'poorly differentiated NEC beside a well-differentiated NET',
      { histology: [finding('net-well-differentiated'), finding('nec-poorly-differentiated', { mixed: true })] },
    ],
    ['MiNEN without counts', { histology: [finding('minen')] }],
    ['unspecified NEN, Ki-67 25 % and 4 mitoses', { histology: [finding('neuroendocrine-unspecified')], ki67: lab(25), mitoticCount: mitoses(4) }],
    ['unspecified NEN, 3 mitoses only', { histology: [finding('neuroendocrine-unspecified')], mitoticCount: mitoses(3) }],
    [
      'digestive NET, Ki-67 2 % and 5 mitoses',
      { histology: [finding('net-well-differentiated', { differentiation: 'well' })], ki67: lab(2), mitoticCount: mitoses(5) },
    ],
    ['digestive NET, 25 mitoses only', { histology: [finding('net-well-differentiated', { differentiation: 'well' })], mitoticCount: mitoses(25) }],
    ['digestive NET without counts', { histology: [finding('net-well-differentiated', { differentiation: 'well' })] }],
    ['lung NET without a mitotic count', { histology: [lungNet()], ki67: lab(2) }],
    ['no neuroendocrine histology', { histology: [] }],
  ];
  it.each(scenarios)('%s', (_name, input) => {
    expect(classify(input)).toMatchSnapshot();
  });
});
