import { describe, expect, it } from 'vitest';
import { classifyNen, gradeByKi67, gradeByMitoses } from '../../../src/engine/classify/nen.js';
import type { HistologyFinding, LabFact } from '../../../src/engine/picture.js';
import { lungCancer, NONE, prostateCancer, smallCell } from '../builders.js';

const lab = (value: number, unit = '%'): LabFact => ({ value, unit, date: '2026-10-01', sources: [`Observation/${value}`] });
const finding = (histologyClass: HistologyFinding['histologyClass'], overrides: Partial<HistologyFinding> = {}) =>
  smallCell({
    histologyClass,
    display: histologyClass,
    specimenSite: 'liver',
    differentiation: histologyClass === 'net-well-differentiated' ? 'well' : 'unknown',
    ...overrides,
  });

describe('grade cut-offs (WHO 2019 digestive)', () => {
  it.each([
    [0, 1],
    [2.9, 1],
    [3, 2],
    [20, 2],
    [20.1, 3],
    [55, 3],
  ])('Ki-67 %s %% → G%s', (ki67, grade) => {
    expect(gradeByKi67(ki67)).toBe(grade);
  });
  it.each([
    [0, 1],
    [1.9, 1],
    [2, 2],
    [20, 2],
    [21, 3],
  ])('%s mitoses per 2 mm² → G%s', (mitoses, grade) => {
    expect(gradeByMitoses(mitoses)).toBe(grade);
  });
});

describe('classifyNen (rules.md §2)', () => {
  const base = { cancers: [], ki67: NONE, mitoticCount: NONE } as const;

  it.each(['small-cell', 'large-cell-nec', 'nec-poorly-differentiated'] as const)('%s → NEC whatever the Ki-67', (histologyClass) => {
    expect(classifyNen({ ...base, histology: [finding(histologyClass)], ki67: lab(70) })).toMatchObject({ nenClass: 'NEC', gradingSystem: 'none' });
  });

  it('NEC with Ki-67 ≤ 20 % stays NEC, flagged for pathology review', () => {
    const result = classifyNen({ ...base, histology: [finding('nec-poorly-differentiated')], ki67: lab(20) });
    expect(result).toMatchObject({ nenClass: 'NEC', atypicalKi67: true });
    expect(result.basis).toContain('pathology review');
  });

  it('NEC with Ki-67 21 % is not flagged', () => {
    expect(classifyNen({ ...base, histology: [finding('nec-poorly-differentiated')], ki67: lab(21) }).atypicalKi67).toBeUndefined();
  });

  it.each([
    [2.9, 'NET-G1'],
    [3, 'NET-G2'],
    [20, 'NET-G2'],
    [20.1, 'NET-G3'],
  ])('well-differentiated NET, Ki-67 %s %% → %s', (ki67, nenClass) => {
    expect(classifyNen({ ...base, histology: [finding('net-well-differentiated')], ki67: lab(ki67) })).toMatchObject({
      nenClass,
      gradingSystem: 'who-2019-digestive',
    });
  });

  it('the higher grade wins: Ki-67 2 % (G1) but 5 mitoses (G2) → NET-G2', () => {
    expect(classifyNen({ ...base, histology: [finding('net-well-differentiated')], ki67: lab(2), mitoticCount: lab(5, 'per 2 mm²') }).nenClass).toBe('NET-G2');
  });

  it('mitoses alone: 21 per 2 mm² → NET-G3', () => {
    expect(classifyNen({ ...base, histology: [finding('net-well-differentiated')], mitoticCount: lab(21, 'per 2 mm²') }).nenClass).toBe('NET-G3');
  });

  it('well-differentiated NET with no Ki-67 and no mitoses → NEN-ungraded', () => {
    expect(classifyNen({ ...base, histology: [finding('net-well-differentiated')] }).nenClass).toBe('NEN-ungraded');
  });

  it.each([
    [1.9, 'NET-G1'],
    [2, 'NET-G2'],
    [10, 'NET-G2'],
    [11, 'high-grade-NEN-unclear'],
  ])('lung NET graded by mitoses only: %s per 2 mm² → %s', (mitoses, nenClass) => {
    const result = classifyNen({
      ...base,
      cancers: [lungCancer()],
      histology: [finding('net-well-differentiated', { specimenSite: 'lung' })],
      ki67: lab(30),
      mitoticCount: lab(mitoses, 'per 2 mm²'),
    });
    expect(result).toMatchObject({ nenClass, gradingSystem: 'who-lung' });
  });

  it('lung NET without a mitotic count is ungraded (Ki-67 does not grade lung NETs)', () => {
    expect(
      classifyNen({ ...base, cancers: [lungCancer()], histology: [finding('net-well-differentiated', { specimenSite: 'lung' })], ki67: lab(5) }),
    ).toMatchObject({ nenClass: 'NEN-ungraded', gradingSystem: 'who-lung' });
  });

  it.each([
    [20, 'NET-G1/G2-presumed'],
    [20.1, 'high-grade-NEN-unclear'],
  ])('differentiation unknown, Ki-67 %s %% → %s', (ki67, nenClass) => {
    expect(classifyNen({ ...base, histology: [finding('neuroendocrine-unspecified')], ki67: lab(ki67) }).nenClass).toBe(nenClass);
  });

  it('differentiation unknown, no Ki-67 or mitoses → NEN-ungraded', () => {
    expect(classifyNen({ ...base, histology: [finding('neuroendocrine-unspecified')] }).nenClass).toBe('NEN-ungraded');
  });

  it('MiNEN with a small cell component → NEC, mixed', () => {
    expect(classifyNen({ ...base, histology: [finding('minen'), finding('small-cell', { mixed: true })] })).toMatchObject({ nenClass: 'NEC', mixed: true });
  });

  it('MiNEN alone is classed by its neuroendocrine part (here ungraded), mixed', () => {
    expect(classifyNen({ ...base, histology: [finding('minen')] })).toMatchObject({ nenClass: 'NEN-ungraded', mixed: true });
  });

  it('NEC outranks a NET finding', () => {
    expect(classifyNen({ ...base, histology: [finding('net-well-differentiated'), finding('small-cell')], ki67: lab(5) }).nenClass).toBe('NEC');
  });

  it('adenocarcinoma only → not neuroendocrine', () => {
    expect(classifyNen({ ...base, cancers: [prostateCancer()], histology: [finding('adenocarcinoma')] }).nenClass).toBe('not-neuroendocrine');
  });

  it('Merkel cell carcinoma is excluded from class NEC', () => {
    const merkel = { primarySite: 'merkel' as const, display: 'Merkel cell carcinoma', sources: ['Condition/mcc'] };
    const result = classifyNen({ ...base, cancers: [merkel], histology: [finding('small-cell', { sources: ['Condition/mcc'] })] });
    expect(result.nenClass).toBe('not-neuroendocrine');
  });

  it.each([
    ['per 2 mm²', 5, 'NET-G2'],
    ['per 10 HPF', 5, 'NET-G2'],
    ['per mm²', 11, 'NET-G3'],
    ['unit not stated', 50, 'NEN-ungraded'],
  ])('mitoses %s (%s) → %s', (unit, value, nenClass) => {
    expect(classifyNen({ ...base, histology: [finding('net-well-differentiated')], mitoticCount: lab(value, unit) }).nenClass).toBe(nenClass);
  });

  it('cites the finding and the Ki-67 it used', () => {
    const result = classifyNen({ ...base, histology: [finding('net-well-differentiated', { sources: ['DiagnosticReport/p'] })], ki67: lab(12) });
    expect(result).toMatchObject({ nenClass: 'NET-G2', sources: ['DiagnosticReport/p', 'Observation/12'], date: '2026-10-01' });
    expect(result.basis).toContain('Ki-67 12 %');
  });
});
