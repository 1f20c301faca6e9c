import { describe, expect, it } from 'vitest';
import type { BiomarkerResult, Fact } from '../../../src/engine/picture.js';
import { parpiWithoutHrr } from '../../../src/engine/rules/parpi-without-hrr.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, lungCancer, NONE, picture, prostateCancer, seed000, smallCell } from '../builders.js';
import { daysAgo, medDraft, procedure, serviceDraft } from './nepc-builders.js';

const rule = parpiWithoutHrr;
const hrr = (value: BiomarkerResult): Fact<BiomarkerResult> => ({ value, date: '2026-09-01', sources: ['Observation/hrr'] });
const withHrr = (value: BiomarkerResult | undefined, overrides = {}) =>
  seed000({
    draftOrders: [medDraft('olaparib')],
    biomarkers: { brafV600E: NONE, msiHighOrDmmr: NONE, tmb: NONE, hrr: value ? hrr(value) : NONE },
    ...overrides,
  });

describe('parpi-without-hrr', () => {
  describe.each(['order-select', 'order-sign'] as const)('%s', (hook) => {
    it('not tested → info "order HRR testing first" with a draft genomic test', () => {
      const rec = rule.evaluate(withHrr(undefined), ctx(hook));
      expect(rec).toMatchObject({
        ruleId: 'parpi-without-hrr',
        indicator: 'info',
        variant: 'untested',
        values: { drug: 'olaparib', testStatus: 'No homologous recombination repair result is on record (not recorded).' },
        suggestions: [
          { labelKey: 'order-test', isRecommended: true, actions: [{ kind: 'propose-service', order: { procedure: 'genomic-test', category: 'genetics' } }] },
        ],
      });
      expect(rec?.facts).toEqual([
        { label: 'Prostate cancer', value: 'Malignant neoplasm of prostate', date: '2019-05-10', sources: ['Condition/pca'] },
        { label: 'Histology (liver specimen)', value: 'Metastatic small cell carcinoma to liver', date: '2026-10-14', sources: ['DiagnosticReport/bx'] },
        { label: 'PARP inhibitor being ordered', value: 'olaparib draft', sources: ['MedicationRequest/draft-olaparib'] },
      ]);
      const card = renderRecommendation(rec!);
      expect(card.summary).toBe('Order homologous recombination repair gene testing first: olaparib is for repair-altered prostate cancer');
      expect(card.suggestions?.[0]?.actions[0]).toMatchObject({
        type: 'create',
        resource: {
          resourceType: 'ServiceRequest',
          status: 'draft',
          intent: 'proposal',
          code: { text: expect.stringContaining('Homologous recombination repair (HRR) gene testing') },
        },
      });
      expect(card.detail).toContain('verify before signing');
      expect(card.detail).toContain('000_7e1a04049e8d1f07.txt');
      expect(card.overrideReasons).toBeUndefined();
    });

    it('tested negative → info with the mutual-exclusivity wording, no test proposed', () => {
      const rec = rule.evaluate(withHrr('negative'), ctx(hook));
      expect(rec).toMatchObject({ indicator: 'info', variant: 'negative', suggestions: [] });
      expect(rec?.facts).toContainEqual({
        label: 'Homologous recombination repair gene alteration',
        value: 'negative',
        date: '2026-09-01',
        sources: ['Observation/hrr'],
      });
      const card = renderRecommendation(rec!);
      expect(card.summary).toBe('Homologous recombination repair testing was negative: olaparib is for repair-altered disease (trials)');
      expect(card.detail).toContain('DNA-repair alterations and small cell histology rarely co-occur');
    });

    it('indeterminate → repeat testing proposed', () => {
      const rec = rule.evaluate(withHrr('indeterminate'), ctx(hook));
      expect(rec).toMatchObject({ variant: 'indeterminate', suggestions: [{ labelKey: 'order-test' }] });
      expect(renderRecommendation(rec!).summary).toBe('Homologous recombination repair testing was indeterminate: repeat it before olaparib');
    });

    it('HRR positive → no card', () => {
      expect(rule.evaluate(withHrr('positive'), ctx(hook))).toBeNull();
    });

    it('a genomic test already ordered → card without a second test, says to await the result', () => {
      const pending = procedure('genomic-test', 'genomic-test', daysAgo(5), { status: 'ordered', display: 'FoundationOne CDx' });
      const rec = rule.evaluate(withHrr(undefined, { procedures: [pending] }), ctx(hook));
      expect(rec?.suggestions).toEqual([]);
      expect(rec?.values.testStatus).toContain(`A genomic test is already ordered (FoundationOne CDx on ${daysAgo(5)}): await its result.`);
    });

    it('a genomic test among the drafts → no second test', () => {
      const rec = rule.evaluate(withHrr(undefined, { draftOrders: [medDraft('olaparib'), serviceDraft('genomic-test', { inScope: false })] }), ctx(hook));
      expect(rec?.suggestions).toEqual([]);
      expect(rec?.values.testStatus).toContain('among the orders being placed');
    });

    it('a genomic test done but no HRR result read → says to check the report, no new test', () => {
      const done = procedure('genomic-test', 'genomic-test', daysAgo(40), { display: 'Tumour NGS panel' });
      const rec = rule.evaluate(withHrr(undefined, { procedures: [done] }), ctx(hook));
      expect(rec?.suggestions).toEqual([]);
      expect(rec?.values.testStatus).toContain('check the report');
    });

    it('mixed histology still fires', () => {
      expect(rule.evaluate(withHrr(undefined, { histology: [smallCell({ mixed: true })] }), ctx(hook))?.variant).toBe('untested');
    });

    it('talazoparib fires too, named on the card', () => {
      expect(rule.evaluate(withHrr(undefined, { draftOrders: [medDraft('talazoparib')] }), ctx(hook))?.values.drug).toBe('talazoparib');
    });

    it('PARP inhibitor draft out of scope → no card', () => {
      expect(rule.evaluate(withHrr(undefined, { draftOrders: [medDraft('olaparib', { inScope: false })] }), ctx(hook))).toBeNull();
    });

    it('no PARP inhibitor ordered (carboplatin) → no card', () => {
      expect(rule.evaluate(withHrr(undefined, { draftOrders: [medDraft('carboplatin')] }), ctx(hook))).toBeNull();
    });

    it('prostate adenocarcinoma (no small cell) ordering olaparib → no card', () => {
      expect(rule.evaluate(picture({ cancers: [prostateCancer()], draftOrders: [medDraft('olaparib')] }), ctx(hook))).toBeNull();
    });

    it('origin uncertain (lung primary) → no card', () => {
      expect(rule.evaluate(withHrr(undefined, { cancers: [prostateCancer(), lungCancer()] }), ctx(hook))).toBeNull();
    });
  });

  it('does not run on patient-view (a current PARP inhibitor is not this rule)', () => {
    expect(rule.hooks).toEqual(['order-select', 'order-sign']);
    expect(rule.evaluate(withHrr(undefined), ctx('patient-view'))).toBeNull();
  });
});
