import type { ServiceRequest } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { gradeBeforeTherapy as rule } from '../../../src/engine/rules/grade-before-therapy.js';
import { runRules } from '../../../src/engine/run.js';
import type { NenClass, PatientPicture } from '../../../src/engine/picture.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, NONE, picture } from '../builders.js';
import { ki67, known, lab, liverMet, nen, order, pancreasCancer, procedureOrder, rx } from './nec-builders.js';

const nenPicture = (nenClass: NenClass = 'NEN-ungraded', overrides: Partial<PatientPicture> = {}) =>
  picture({ cancers: [pancreasCancer()], nen: nen(nenClass), metastases: [liverMet()], ...overrides });

describe('grade-before-therapy', () => {
  describe('patient-view', () => {
    it.each(['NEN-ungraded', 'high-grade-NEN-unclear', 'NET-G1/G2-presumed'] as const)('%s → info with a Ki-67 / pathology review proposal', (nenClass) => {
      const rec = rule.evaluate(nenPicture(nenClass), ctx());
      expect(rec).toMatchObject({ ruleId: 'grade-before-therapy', indicator: 'info', variant: 'chart' });
      const card = renderRecommendation(rec!);
      expect(card.summary).toBe('Confirm the grade of this neuroendocrine neoplasm (Ki-67, mitotic count, differentiation) before treatment');
      expect(card.detail).toContain('004_5049645396e33319.txt');
      expect(card.suggestions).toHaveLength(1);
      const sr = card.suggestions?.[0]?.actions[0];
      if (sr?.type !== 'create') throw new Error('expected a create action');
      const resource = sr.resource as ServiceRequest;
      expect(resource).toMatchObject({
        resourceType: 'ServiceRequest',
        status: 'draft',
        intent: 'proposal',
        code: { text: expect.stringContaining('Ki-67 index and pathology review') },
      });
      expect(resource.code?.coding).toBeUndefined();
      expect(resource.category?.[0]?.text).toBe('pathology');
      expect(resource.note?.[0]?.text).toContain('verify before signing');
    });

    it('cites the classification and Ki-67 with date and source', () => {
      const rec = rule.evaluate(nenPicture('high-grade-NEN-unclear', { ki67: ki67(35) }), ctx());
      expect(rec?.facts).toEqual([
        {
          label: 'Neuroendocrine classification',
          value: expect.stringContaining('differentiation unknown'),
          date: '2026-10-02',
          sources: ['DiagnosticReport/colon-bx'],
        },
        { label: 'Ki-67', value: '35 %', date: '2026-10-02', sources: ['Observation/ki67'] },
      ]);
    });

    it('no card when no grading problem', () => {
      for (const nenClass of ['NEC', 'NET-G1', 'NET-G2', 'NET-G3', 'not-neuroendocrine'] as const)
        expect(rule.evaluate(nenPicture(nenClass), ctx())).toBeNull();
    });
  });

  describe('high grade, differentiation unclear', () => {
    it('adds the Ki-67 55 % guidance', () => {
      const note = rule.evaluate(nenPicture('high-grade-NEN-unclear'), ctx())?.values.highGradeNote;
      expect(note).toContain('Ki-67 > 55 % favours NEC (neuroendocrine carcinoma), 20–55 % favours NET G3');
    });

    it.each([
      [20.1, 'favours a well-differentiated NET G3'],
      [55, 'favours a well-differentiated NET G3'],
      [55.1, 'favours a carcinoma'],
    ])('Ki-67 %s → %s', (value, text) => {
      expect(rule.evaluate(nenPicture('high-grade-NEN-unclear', { ki67: ki67(value) }), ctx())?.values.highGradeNote).toContain(
        `Here Ki-67 is ${value} %: this ${text}`,
      );
    });

    it('Ki-67 20 % (high grade from the mitotic count) → no Ki-67 position', () => {
      const note = rule.evaluate(
        nenPicture('high-grade-NEN-unclear', { ki67: ki67(20), mitoticCount: lab(25, 'per 2 mm²', '2026-10-02', 'Observation/mitoses') }),
        ctx(),
      )?.values.highGradeNote;
      expect(note).not.toContain('Here Ki-67');
    });

    it('progressing → "do not delay systemic therapy while review is pending", with the status cited', () => {
      const rec = rule.evaluate(
        nenPicture('high-grade-NEN-unclear', {
          diseaseStatus: known<'progressing' | 'stable' | 'responding' | 'unknown'>('progressing', '2026-11-10', 'Observation/status'),
        }),
        ctx(),
      );
      expect(renderRecommendation(rec!).detail).toContain('do not delay systemic therapy while review is pending');
      expect(rec?.facts).toContainEqual({ label: 'Disease status', value: 'progressing', date: '2026-11-10', sources: ['Observation/status'] });
    });

    it.each(['stable', 'responding'] as const)('%s → no "do not delay" note', (value) => {
      expect(rule.evaluate(nenPicture('high-grade-NEN-unclear', { diseaseStatus: known(value, '2026-11-10') }), ctx())?.values.progressionNote).toBe('');
    });

    it('other classes get neither note, even when progressing', () => {
      const rec = rule.evaluate(
        nenPicture('NEN-ungraded', { diseaseStatus: known<'progressing' | 'stable' | 'responding' | 'unknown'>('progressing', '2026-11-10') }),
        ctx(),
      );
      expect(rec?.values).toMatchObject({ highGradeNote: '', progressionNote: '' });
    });
  });

  describe('pathology review already pending', () => {
    it('ordered review on record → no proposal, the card says it is pending', () => {
      const rec = rule.evaluate(
        nenPicture('NEN-ungraded', {
          procedures: [
            {
              procedure: 'ki67-pathology-review',
              category: 'pathology-review',
              status: 'ordered',
              display: 'Ki-67 pathology review',
              date: '2026-11-15',
              sources: ['ServiceRequest/rev'],
            },
          ],
        }),
        ctx(),
      );
      expect(rec?.suggestions).toEqual([]);
      expect(rec?.values.reviewNote).toBe('A pathology review is already pending: Ki-67 pathology review (ordered 2026-11-15).');
    });

    it('a completed review does not suppress the proposal', () => {
      const rec = rule.evaluate(
        nenPicture('NEN-ungraded', {
          procedures: [
            {
              procedure: 'ki67-pathology-review',
              category: 'pathology-review',
              status: 'done',
              display: 'Ki-67 pathology review',
              date: '2026-11-15',
              sources: ['Procedure/rev'],
            },
          ],
        }),
        ctx(),
      );
      expect(rec?.suggestions).toHaveLength(1);
    });
  });

  describe.each(['order-select', 'order-sign'] as const)('%s', (hook) => {
    it.each([
      ['octreotide', [order('octreotide')]],
      ['lutetium-lu-177-dotatate', [order('lutetium-lu-177-dotatate')]],
      ['everolimus', [order('everolimus')]],
      ['sunitinib', [order('sunitinib')]],
      ['carboplatin and etoposide', [order('carboplatin'), order('etoposide')]],
      ['capecitabine and temozolomide', [order('capecitabine'), order('temozolomide')]],
      ['temozolomide', [order('temozolomide')]],
      ['tace order', [procedureOrder('tace')]],
      ['tare order', [procedureOrder('tare')]],
      ['tae order', [procedureOrder('tae')]],
      ['liver-ablation order', [procedureOrder('liver-ablation')]],
    ])('%s ordered → warning naming it', (name, drafts) => {
      const rec = rule.evaluate(nenPicture('NET-G1/G2-presumed', { draftOrders: drafts }), ctx(hook));
      expect(rec).toMatchObject({ indicator: 'warning', variant: 'order', values: { drug: name } });
      expect(rec?.facts.filter((f) => f.label === 'Being ordered').map((f) => f.sources[0])).toEqual(drafts.map((d) => d.ref));
      const card = renderRecommendation(rec!);
      expect(card.summary).toContain(`before ${name}`);
      expect(card.suggestions).toHaveLength(1);
    });

    it.each([
      ['capecitabine alone (colorectal regimen)', [order('capecitabine'), order('oxaliplatin')]],
      ['carboplatin alone', [order('carboplatin')]],
      ['pembrolizumab', [order('pembrolizumab')]],
      ['a liver biopsy', [procedureOrder('liver-biopsy')]],
      ['octreotide out of scope', [order('octreotide', { inScope: false })]],
      ['a TACE out of scope', [procedureOrder('tace', { inScope: false })]],
      ['platinum–etoposide with both drafts out of scope', [order('carboplatin', { inScope: false }), order('etoposide', { inScope: false })]],
    ])('%s → no card', (_name, drafts) => {
      expect(rule.evaluate(nenPicture('NEN-ungraded', { draftOrders: drafts }), ctx(hook))).toBeNull();
    });

    it('etoposide in scope with carboplatin current → platinum–etoposide ordered → warning', () => {
      const rec = rule.evaluate(
        nenPicture('NEN-ungraded', { therapies: [rx('carboplatin', { status: 'current' })], draftOrders: [order('etoposide')] }),
        ctx(hook),
      );
      expect(rec?.values.drug).toBe('etoposide');
    });

    it('no drafts → no card (the chart card is patient-view only)', () => {
      expect(rule.evaluate(nenPicture('NEN-ungraded'), ctx(hook))).toBeNull();
    });

    it('graded classes do not fire on NEN-directed orders', () => {
      for (const nenClass of ['NEC', 'NET-G2', 'NET-G3'] as const)
        expect(rule.evaluate(nenPicture(nenClass, { draftOrders: [order('octreotide')] }), ctx(hook))).toBeNull();
    });
  });

  it('runs on all three hooks', () => {
    expect(rule.hooks).toEqual(['patient-view', 'order-select', 'order-sign']);
    expect(runRules([rule], nenPicture('NEN-ungraded', { draftOrders: [order('octreotide')] }), ctx('order-sign'))).toHaveLength(1);
    expect(runRules([rule], nenPicture('NEN-ungraded', { ki67: NONE }), ctx('patient-view'))).toHaveLength(1);
  });
});
