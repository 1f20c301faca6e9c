import { describe, expect, it } from 'vitest';
import type { PatientPicture } from '../../../src/engine/picture.js';
import { platinumInLowGradeNet } from '../../../src/engine/rules/platinum-in-low-grade-net.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx } from '../builders.js';
import { classified, ki67, lungNetPicture, med, medDraft, mitoses, necHistology, necPicture, netPicture } from './orders-builders.js';

const carboEtoposide = (overrides: { inScope?: boolean } = {}) => [medDraft('carboplatin', overrides), medDraft('etoposide', overrides)];

describe('platinum-in-low-grade-net', () => {
  describe.each(['order-select', 'order-sign'] as const)('%s', (hook) => {
    it('NET G2 (Ki-67 12 %) with carboplatin + etoposide drafted → warning removing both drafts', () => {
      const rec = platinumInLowGradeNet.evaluate(netPicture(12, { draftOrders: carboEtoposide() }), ctx(hook));
      expect(rec).toMatchObject({
        ruleId: 'platinum-in-low-grade-net',
        indicator: 'warning',
        variant: 'net',
        values: { drugs: 'carboplatin and etoposide', grade: 'grade 2', gradeShort: 'grade 2' },
      });
      expect(rec?.suggestions).toEqual([
        {
          labelKey: 'remove',
          isRecommended: true,
          actions: [
            { kind: 'remove-draft', ref: 'MedicationRequest/draft-carboplatin' },
            { kind: 'remove-draft', ref: 'MedicationRequest/draft-etoposide' },
          ],
        },
      ]);
      expect(rec?.facts).toEqual([
        {
          label: 'Neuroendocrine class',
          value: 'well-differentiated neuroendocrine tumour, grade 2 — Well-differentiated neuroendocrine tumour, Ki-67 12 % → G2',
          date: '2026-09-25',
          sources: ['DiagnosticReport/path', 'Observation/ki67'],
        },
        { label: 'Being ordered', value: 'carboplatin draft', sources: ['MedicationRequest/draft-carboplatin'] },
        { label: 'Being ordered', value: 'etoposide draft', sources: ['MedicationRequest/draft-etoposide'] },
      ]);
      const card = renderRecommendation(rec!);
      expect(card.summary).toBe('Carboplatin and etoposide are for poorly differentiated carcinoma, not a well-differentiated grade 2 neuroendocrine tumour');
      expect(card.indicator).toBe('warning');
      expect(card.suggestions?.[0]?.actions.map((a) => a.type)).toEqual(['delete', 'delete']);
      expect(card.overrideReasons?.length).toBeGreaterThan(0);
      expect(card.detail).toContain('WHO 2019 digestive criteria');
      expect(card.detail).toContain('004_5049645396e33319.txt');
    });

    describe('digestive grade boundaries (WHO 2019: Ki-67 3 % / 20 %, mitoses 2 / 20 per 2 mm²)', () => {
      it.each([
        ['Ki-67 2.9 % → G1', () => netPicture(2.9), 'warning', 'grade 1'],
        ['Ki-67 3 % → G2', () => netPicture(3), 'warning', 'grade 2'],
        ['Ki-67 20 % → G2', () => netPicture(20), 'warning', 'grade 2'],
        ['Ki-67 20.1 % → G3 (no card)', () => netPicture(20.1), null, undefined],
        ['Ki-67 55 % → G3 (no card)', () => netPicture(55), null, undefined],
        ['Ki-67 2 %, mitoses 2 → G2 (higher grade wins)', () => netPicture(2, { mitoticCount: mitoses(2) }), 'warning', 'grade 2'],
        ['Ki-67 10 %, mitoses 20 → G2', () => netPicture(10, { mitoticCount: mitoses(20) }), 'warning', 'grade 2'],
        ['Ki-67 10 %, mitoses 21 → G3 (no card)', () => netPicture(10, { mitoticCount: mitoses(21) }), null, undefined],
      ])('%s', (_label, build, indicator, grade) => {
        const rec = platinumInLowGradeNet.evaluate({ ...build(), draftOrders: carboEtoposide() }, ctx(hook));
        expect(rec?.indicator ?? null).toBe(indicator);
        expect(rec?.values.grade).toBe(grade);
      });
    });

    describe('lung grading (mitoses per 2 mm²: typical < 2, atypical 2–10)', () => {
      it.each([
        ['1 mitosis → typical carcinoid (NET G1)', 1, 'warning', 'net', 'grade 1 (typical carcinoid)'],
        ['2 mitoses → atypical carcinoid (NET G2)', 2, 'info', 'atypical-carcinoid', 'grade 2 (atypical carcinoid)'],
        ['10 mitoses → atypical carcinoid (NET G2)', 10, 'info', 'atypical-carcinoid', 'grade 2 (atypical carcinoid)'],
        ['11 mitoses → carcinoma-range, unclear (no card)', 11, null, undefined, undefined],
      ])('%s', (_label, count, indicator, variant, grade) => {
        const rec = platinumInLowGradeNet.evaluate(lungNetPicture(count, { draftOrders: carboEtoposide() }), ctx(hook));
        expect(rec?.indicator ?? null).toBe(indicator);
        expect(rec?.variant).toBe(variant);
        expect(rec?.values.grade).toBe(grade);
      });

      it('atypical carcinoid: info card, removal offered but not recommended, practice varies', () => {
        const rec = platinumInLowGradeNet.evaluate(lungNetPicture(5, { draftOrders: [medDraft('cisplatin'), medDraft('etoposide')] }), ctx(hook));
        expect(rec?.suggestions[0]?.isRecommended).toBe(false);
        const card = renderRecommendation(rec!);
        expect(card.summary).toBe('Cisplatin and etoposide for lung atypical carcinoid: an accepted option with limited evidence — confirm the plan');
        expect(card.indicator).toBe('info');
        expect(card.detail).toContain('practice varies');
        expect(card.detail).toContain('lung criteria');
      });

      it('lung NET without a mitotic count (ungraded) → no card', () => {
        const { cancers, histology } = lungNetPicture(1);
        const p = classified({ cancers, histology, draftOrders: carboEtoposide() });
        expect(p.nen.nenClass).toBe('NEN-ungraded');
        expect(platinumInLowGradeNet.evaluate(p, ctx(hook))).toBeNull();
      });
    });

    describe('only confirmed G1/G2 fires', () => {
      const unspecified = necHistology({ histologyClass: 'neuroendocrine-unspecified', differentiation: 'unknown', display: 'Neuroendocrine neoplasm' });
      it.each([
        ['presumed G1/G2 (differentiation unknown, Ki-67 20 %)', () => classified({ histology: [unspecified], ki67: ki67(20) })],
        ['high-grade, unclear (differentiation unknown, Ki-67 20.1 %)', () => classified({ histology: [unspecified], ki67: ki67(20.1) })],
        [
          'ungraded NET (no Ki-67, no mitoses)',
          () =>
            classified({ histology: [necHistology({ histologyClass: 'net-well-differentiated', differentiation: 'well', specimenSite: 'small-intestine' })] }),
        ],
        ['NEC', () => necPicture()],
        ['no neuroendocrine histology', () => classified({})],
      ])('%s → no card', (_label, build) => {
        const p: PatientPicture = { ...build(), draftOrders: carboEtoposide() };
        expect(platinumInLowGradeNet.evaluate(p, ctx(hook))).toBeNull();
      });
    });

    describe('what counts as platinum–etoposide ordered', () => {
      it('carboplatin drafted with etoposide current → fires, names and cites the current etoposide, removes only the draft', () => {
        const rec = platinumInLowGradeNet.evaluate(netPicture(8, { therapies: [med('etoposide')], draftOrders: [medDraft('carboplatin')] }), ctx(hook));
        expect(rec?.values.drugs).toBe('carboplatin and etoposide');
        expect(rec?.facts.at(-1)).toEqual({ label: 'Current', value: 'etoposide (as ordered)', date: '2026-08-20', sources: ['MedicationRequest/etoposide'] });
        expect(rec?.suggestions[0]?.actions).toEqual([{ kind: 'remove-draft', ref: 'MedicationRequest/draft-carboplatin' }]);
      });

      it('etoposide drafted with cisplatin current → fires', () => {
        const rec = platinumInLowGradeNet.evaluate(netPicture(8, { therapies: [med('cisplatin')], draftOrders: [medDraft('etoposide')] }), ctx(hook));
        expect(rec?.values.drugs).toBe('etoposide and cisplatin');
      });

      it.each([
        ['carboplatin drafted alone', { draftOrders: [medDraft('carboplatin')] }],
        ['etoposide drafted alone', { draftOrders: [medDraft('etoposide')] }],
        [
          'carboplatin drafted, etoposide in the past (not current)',
          { therapies: [med('etoposide', { status: 'past' })], draftOrders: [medDraft('carboplatin')] },
        ],
        ['both current, nothing drafted', { therapies: [med('carboplatin'), med('etoposide')], draftOrders: [] }],
        ['both drafts out of scope (not among selections)', { draftOrders: carboEtoposide({ inScope: false }) }],
        ['a different regimen (capecitabine)', { draftOrders: [medDraft('capecitabine')] }],
      ] as const)('%s → no card', (_label, overrides) => {
        expect(platinumInLowGradeNet.evaluate(netPicture(8, { ...overrides } as Partial<PatientPicture>), ctx(hook))).toBeNull();
      });

      it('one of the two drafts in scope → fires and removes both drafts of the regimen', () => {
        const rec = platinumInLowGradeNet.evaluate(
          netPicture(8, { draftOrders: [medDraft('carboplatin'), medDraft('etoposide', { inScope: false })] }),
          ctx(hook),
        );
        expect(rec?.suggestions[0]?.actions).toHaveLength(2);
        expect(rec?.facts[2]).toEqual({ label: 'In the same order set', value: 'etoposide draft', sources: ['MedicationRequest/draft-etoposide'] });
      });
    });
  });

  it('does not run on patient-view', () => {
    expect(platinumInLowGradeNet.hooks).toEqual(['order-select', 'order-sign']);
  });
});
