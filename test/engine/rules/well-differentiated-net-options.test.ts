import { describe, expect, it } from 'vitest';
import { wellDifferentiatedNetOptions as rule } from '../../../src/engine/rules/well-differentiated-net-options.js';
import { runRules } from '../../../src/engine/run.js';
import type { PatientPicture } from '../../../src/engine/picture.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, lungCancer, picture } from '../builders.js';
import { boneMet, colonCancer, ki67, liverMet, nen, pancreasCancer, rx } from './nec-builders.js';

const pnet = (overrides: Partial<PatientPicture> = {}) =>
  picture({ cancers: [pancreasCancer()], nen: nen('NET-G2'), ki67: ki67(12), metastases: [liverMet()], ...overrides });
const evaluate = (p: PatientPicture) => rule.evaluate(p, ctx());

describe('well-differentiated-net-options', () => {
  it('fires on metastatic pancreatic NET G2: info with SSA, PET, PRRT, liver-directed, everolimus or sunitinib', () => {
    const rec = evaluate(pnet());
    expect(rec).toMatchObject({ ruleId: 'well-differentiated-net-options', indicator: 'info', variant: 'default', suggestions: [], values: { grade: 'G2' } });
    const card = renderRecommendation(rec!);
    expect(card.summary).toBe('Metastatic well-differentiated G2 neuroendocrine tumour: somatostatin analogue first line; PRRT and targeted therapy later');
    expect(card.detail).toContain('Somatostatin receptor PET');
    expect(card.detail).toContain('usually after progression on a somatostatin analogue');
    expect(card.detail).toContain('Liver metastases are on record');
    expect(card.detail).toContain('everolimus or sunitinib (pancreatic neuroendocrine tumour)');
    expect(card.detail).toContain('004_5049645396e33319.txt');
  });

  it('cites class, cancer and metastases, and a current somatostatin analogue', () => {
    const rec = evaluate(pnet({ therapies: [rx('octreotide', { status: 'current', asRecorded: 'octreotide LAR 30 mg', date: '2026-09-01' })] }));
    expect(rec?.facts.map((f) => [f.label, f.value, f.date])).toEqual([
      ['Neuroendocrine class', expect.stringContaining('well-differentiated neuroendocrine tumour, G2'), '2026-10-02'],
      ['Cancer', 'Neuroendocrine tumour of pancreas', '2026-06-01'],
      ['Metastasis', 'Secondary malignant neoplasm of liver', '2026-10-01'],
      ['Current neuroendocrine tumour therapy', 'octreotide LAR 30 mg', '2026-09-01'],
    ]);
  });

  it('NET G1 fires too', () => {
    expect(evaluate(pnet({ nen: nen('NET-G1') }))?.values.grade).toBe('G1');
  });

  it.each([
    ['lung', lungCancer(), 'everolimus (lung neuroendocrine tumour)'],
    ['colon', colonCancer(), 'everolimus (gastrointestinal neuroendocrine tumour)'],
  ])('%s primary → %s', (_site, cancer, text) => {
    const t = evaluate(pnet({ cancers: [cancer] }))?.values.targetedOptions;
    expect(t).toContain(text);
    expect(t).not.toContain('sunitinib');
  });

  it('no primary site on record → says so', () => {
    expect(evaluate(pnet({ cancers: [] }))?.values.targetedOptions).toContain('which the record does not give');
  });

  it('bone-only metastases → liver-directed therapy does not apply', () => {
    expect(evaluate(pnet({ metastases: [boneMet()] }))?.values.liverOptions).toContain('No liver metastasis on record');
  });

  it('MiNEN → says the options apply to the neuroendocrine part only', () => {
    expect(renderRecommendation(evaluate(pnet({ nen: nen('NET-G2', { mixed: true }) }))!).detail).toContain('MiNEN');
  });

  describe('near misses', () => {
    it('no metastases → no card', () => {
      expect(evaluate(pnet({ metastases: [] }))).toBeNull();
    });

    it.each(['NET-G1/G2-presumed', 'NET-G3', 'NEC', 'high-grade-NEN-unclear', 'NEN-ungraded', 'not-neuroendocrine'] as const)(
      'class %s → no card',
      (nenClass) => {
        expect(evaluate(pnet({ nen: nen(nenClass) }))).toBeNull();
      },
    );
  });

  describe('hooks', () => {
    it('patient-view only', () => {
      expect(rule.hooks).toEqual(['patient-view']);
      expect(runRules([rule], pnet(), ctx('patient-view'))).toHaveLength(1);
    });

    it.each(['order-select', 'order-sign'] as const)('%s → no card', (hook) => {
      expect(runRules([rule], pnet(), ctx(hook))).toEqual([]);
      expect(rule.evaluate(pnet(), ctx(hook))).toBeNull();
    });
  });
});
