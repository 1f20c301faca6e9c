import { describe, expect, it } from 'vitest';
import { confirmNecOrigin } from '../../../src/engine/rules/confirm-nec-origin.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, lungCancer, picture, prostateCancer, seed000, smallCell } from '../builders.js';

const rule = confirmNecOrigin;
const merkel = { primarySite: 'merkel' as const, display: 'Merkel cell carcinoma of skin', date: '2024-02-01', sources: ['Condition/mcc'] };

describe('confirm-nec-origin', () => {
  it('prostate cancer + small cell in a liver biopsy + lung primary → info with a text-only pathology review proposal', () => {
    const rec = rule.evaluate(seed000({ cancers: [prostateCancer(), lungCancer()] }), ctx());
    expect(rec).toMatchObject({
      ruleId: 'confirm-nec-origin',
      indicator: 'info',
      values: { histologyName: 'small cell carcinoma', otherPrimaries: 'Malignant tumor of lung', merkelNote: '' },
      suggestions: [{ labelKey: 'review', isRecommended: true, actions: [{ kind: 'propose-service', order: { category: 'pathology' } }] }],
    });
    const action = rec?.suggestions[0]?.actions[0];
    expect(action && 'order' in action ? action.order : undefined).not.toHaveProperty('procedure');
    const card = renderRecommendation(rec!);
    expect(card.summary).toBe('Confirm the origin of the small cell carcinoma before changing prostate cancer therapy');
    expect(card.detail).toContain('NKX3.1');
    expect(card.detail).toContain('ERG rearrangement');
    expect(card.detail).toContain('000_7e1a04049e8d1f07.txt');
    expect(card.suggestions?.[0]?.actions[0]).toMatchObject({
      type: 'create',
      resource: {
        resourceType: 'ServiceRequest',
        status: 'draft',
        intent: 'proposal',
        code: { text: expect.stringContaining('Pathology review of the small cell carcinoma (liver specimen)') },
      },
    });
  });

  it('cites prostate cancer, the histology and the other candidate primary', () => {
    expect(rule.evaluate(seed000({ cancers: [prostateCancer(), lungCancer()] }), ctx())?.facts).toEqual([
      { label: 'Prostate cancer', value: 'Malignant neoplasm of prostate', date: '2019-05-10', sources: ['Condition/pca'] },
      { label: 'Histology (liver specimen)', value: 'Metastatic small cell carcinoma to liver', date: '2026-10-14', sources: ['DiagnosticReport/bx'] },
      { label: 'Other candidate primary', value: 'Malignant tumor of lung', date: '2025-01-10', sources: ['Condition/lung'] },
    ]);
  });

  it('a Merkel cell carcinoma as the other primary adds the Merkel staining note', () => {
    const rec = rule.evaluate(seed000({ cancers: [prostateCancer(), merkel] }), ctx());
    expect(rec?.values.merkelNote).toContain('cytokeratin 20');
    expect(renderRecommendation(rec!).detail).toContain('Merkel cell polyomavirus');
  });

  it('large cell neuroendocrine carcinoma → named as neuroendocrine carcinoma', () => {
    const rec = rule.evaluate(seed000({ cancers: [prostateCancer(), lungCancer()], histology: [smallCell({ histologyClass: 'large-cell-nec' })] }), ctx());
    expect(renderRecommendation(rec!).summary).toBe('Confirm the origin of the neuroendocrine carcinoma before changing prostate cancer therapy');
  });

  it('specimen site unknown with a lung primary → still uncertain, says the site is not recorded', () => {
    const rec = rule.evaluate(seed000({ cancers: [prostateCancer(), lungCancer()], histology: [smallCell({ specimenSite: undefined })] }), ctx());
    expect(rec?.facts).toContainEqual(expect.objectContaining({ label: 'Histology (specimen site not recorded)' }));
  });

  describe('near misses', () => {
    it('NEPC (no other candidate primary) → no card', () => {
      expect(rule.evaluate(seed000(), ctx())).toBeNull();
    });

    it('small cell in a prostate specimen with a lung primary on record → NEPC, not uncertain → no card', () => {
      expect(rule.evaluate(seed000({ cancers: [prostateCancer(), lungCancer()], histology: [smallCell({ specimenSite: 'prostate' })] }), ctx())).toBeNull();
    });

    it('small cell lung cancer without prostate cancer → no card', () => {
      expect(rule.evaluate(picture({ cancers: [lungCancer()], histology: [smallCell({ specimenSite: 'lung' })] }), ctx())).toBeNull();
    });

    it('prostate + lung cancer without small cell / NEC histology → no card', () => {
      expect(rule.evaluate(picture({ cancers: [prostateCancer(), lungCancer()] }), ctx())).toBeNull();
    });

    it('a renal cell carcinoma ("other" site) is not a candidate primary for small cell → NEPC, no card', () => {
      const rcc = { primarySite: 'other' as const, display: 'Renal cell carcinoma', date: '2024-01-01', sources: ['Condition/rcc'] };
      expect(rule.evaluate(seed000({ cancers: [prostateCancer(), rcc] }), ctx())).toBeNull();
    });
  });

  it('runs on patient-view only', () => {
    expect(rule.hooks).toEqual(['patient-view']);
  });
});
