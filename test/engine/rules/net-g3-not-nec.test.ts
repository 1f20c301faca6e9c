import { describe, expect, it } from 'vitest';
import { netG3NotNec as rule } from '../../../src/engine/rules/net-g3-not-nec.js';
import { runRules } from '../../../src/engine/run.js';
import type { PatientPicture } from '../../../src/engine/picture.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, NONE, picture } from '../builders.js';
import { ki67, lab, liverMet, nen, pancreasCancer } from './nec-builders.js';

const netG3 = (overrides: Partial<PatientPicture> = {}) =>
  picture({ cancers: [pancreasCancer()], nen: nen('NET-G3'), ki67: ki67(35), metastases: [liverMet()], ...overrides });
const evaluate = (p: PatientPicture) => rule.evaluate(p, ctx());

describe('net-g3-not-nec', () => {
  it('fires on NET G3: info with the NORDIC NEC figures and the seeds named', () => {
    const rec = evaluate(netG3());
    expect(rec).toMatchObject({ ruleId: 'net-g3-not-nec', indicator: 'info', variant: 'default', suggestions: [] });
    const card = renderRecommendation(rec!);
    expect(card.summary).toBe('Well-differentiated grade 3 neuroendocrine tumour: not a carcinoma — platinum–etoposide is less effective');
    expect(card.detail).toContain('15 % when Ki-67 was below 55 % versus 42 %');
    expect(card.detail).toContain('practice varies');
    expect(card.detail).toContain('002_250050e4201f8374.txt');
    expect(card.detail).toContain('Ki-67 here is 35 % (2026-10-02): below 55 %');
  });

  it('cites the class and the Ki-67 with date and source', () => {
    expect(evaluate(netG3())?.facts).toEqual([
      {
        label: 'Neuroendocrine class',
        value: expect.stringContaining('well-differentiated neuroendocrine tumour, grade 3'),
        date: '2026-10-02',
        sources: ['DiagnosticReport/colon-bx'],
      },
      { label: 'Ki-67', value: '35 %', date: '2026-10-02', sources: ['Observation/ki67'] },
    ]);
  });

  it.each([
    [54.9, 'below 55 %'],
    [55, '55 % or more is unusual'],
  ])('Ki-67 %s → "%s"', (value, text) => {
    expect(evaluate(netG3({ ki67: ki67(value) }))?.values.ki67Note).toContain(text);
  });

  it('graded by mitoses only: says the Ki-67 is missing and cites the mitotic count', () => {
    const rec = evaluate(netG3({ ki67: NONE, mitoticCount: lab(25, 'per 2 mm²', '2026-10-02', 'Observation/mitoses') }));
    expect(rec?.values.ki67Note).toContain('No Ki-67 is recorded');
    expect(rec?.facts).toContainEqual({ label: 'Mitotic count', value: '25 per 2 mm²', date: '2026-10-02', sources: ['Observation/mitoses'] });
  });

  describe('near misses', () => {
    it.each(['NEC', 'NET-G1', 'NET-G2', 'high-grade-NEN-unclear', 'NET-G1/G2-presumed', 'NEN-ungraded', 'not-neuroendocrine'] as const)(
      'class %s → no card',
      (nenClass) => {
        expect(evaluate(netG3({ nen: nen(nenClass) }))).toBeNull();
      },
    );
  });

  describe('hooks', () => {
    it('patient-view only', () => {
      expect(rule.hooks).toEqual(['patient-view']);
      expect(runRules([rule], netG3(), ctx('patient-view'))).toHaveLength(1);
    });

    it.each(['order-select', 'order-sign'] as const)('%s → no card', (hook) => {
      expect(runRules([rule], netG3(), ctx(hook))).toEqual([]);
      expect(rule.evaluate(netG3(), ctx(hook))).toBeNull();
    });
  });
});
