import { describe, expect, it } from 'vitest';
import { avoidSsaHighGrade, isSymptomControlReason } from '../../../src/engine/rules/avoid-ssa-high-grade.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx, lungCancer, smallCell } from '../builders.js';
import { activeRequest, classified, ki67, med, medDraft, necHistology, necPicture, netPicture } from './orders-builders.js';

const lanreotide = () => med('lanreotide', { asRecorded: 'lanreotide 120 mg deep subcutaneous every 28 days', date: '2026-10-01' });

describe('avoid-ssa-high-grade', () => {
  describe('patient-view (current long-acting SSA)', () => {
    it('fires for NEC on lanreotide: warning, stop suggestion on its request, rendered card', () => {
      const rec = avoidSsaHighGrade.evaluate(necPicture({ therapies: [lanreotide()] }), ctx());
      expect(rec).toMatchObject({
        ruleId: 'avoid-ssa-high-grade',
        indicator: 'warning',
        variant: 'current',
        values: { drug: 'lanreotide', drugAsRecorded: 'lanreotide 120 mg deep subcutaneous every 28 days', depotNote: '' },
        suggestions: [{ labelKey: 'stop', isRecommended: true, actions: [{ kind: 'stop-therapy', ref: 'MedicationRequest/lanreotide' }] }],
      });
      const card = renderRecommendation(rec!, { 'MedicationRequest/lanreotide': activeRequest('lanreotide', 'lanreotide 120 mg') });
      expect(card.summary).toBe('Stop lanreotide: long-acting somatostatin analogues do not control high-grade neuroendocrine carcinoma');
      expect(card.indicator).toBe('warning');
      expect(card.source.topic).toEqual({ system: 'urn:nec-cds:rule', code: 'avoid-ssa-high-grade' });
      expect(card.overrideReasons?.map((r) => r.display)).toContain('Hormonal syndrome symptom control');
      expect(card.detail).toContain('004_5049645396e33319.txt');
      expect(card.detail).toContain('is not in the records this service reads');
      const action = card.suggestions?.[0]?.actions[0];
      expect(action).toMatchObject({ type: 'update', resource: { resourceType: 'MedicationRequest', id: 'lanreotide', status: 'stopped' } });
    });

    it('cites the class and the analogue, each with date and source', () => {
      const rec = avoidSsaHighGrade.evaluate(necPicture({ therapies: [lanreotide()] }), ctx());
      expect(rec?.facts).toEqual([
        {
          label: 'Neuroendocrine class',
          value:
            'high-grade neuroendocrine carcinoma — Poorly differentiated neuroendocrine carcinoma of sigmoid colon (poorly differentiated neuroendocrine carcinoma)',
          date: '2026-09-25',
          sources: ['DiagnosticReport/path'],
        },
        {
          label: 'Current long-acting somatostatin analogue',
          value: 'lanreotide 120 mg deep subcutaneous every 28 days',
          date: '2026-10-01',
          sources: ['MedicationRequest/lanreotide'],
        },
      ]);
    });

    it('long-acting octreotide is named as such', () => {
      const rec = avoidSsaHighGrade.evaluate(necPicture({ therapies: [med('octreotide', { asRecorded: 'Sandostatin LAR 30 mg' })] }), ctx());
      expect(rec?.values.drug).toBe('long-acting octreotide');
      expect(renderRecommendation(rec!).summary).toMatch(/^Stop long-acting octreotide:/);
    });

    it('depot known only from an administration: no update, the card says not to give the next dose', () => {
      const depot = med('lanreotide', {
        kind: 'administration',
        ref: 'MedicationAdministration/lan-1',
        asRecorded: 'lanreotide 120 mg',
        depot: { intervalDays: 28, lastGiven: '2026-11-02', nextDoseDue: '2026-11-30' },
      });
      const rec = avoidSsaHighGrade.evaluate(necPicture({ therapies: [depot] }), ctx());
      expect(rec?.suggestions).toEqual([]);
      expect(rec?.values.depotNote).toBe('lanreotide 120 mg is known from a depot given on 2026-11-02: do not give the next dose, due 2026-11-30.');
      expect(renderRecommendation(rec!).detail).toContain('do not give the next dose, due 2026-11-30');
    });

    it('past lanreotide does not fire', () => {
      expect(avoidSsaHighGrade.evaluate(necPicture({ therapies: [med('lanreotide', { status: 'past' })] }), ctx())).toBeNull();
    });

    it('short-acting octreotide (no SSA class from the extraction) does not fire', () => {
      expect(
        avoidSsaHighGrade.evaluate(
          necPicture({ therapies: [med('octreotide', { classes: [], asRecorded: 'octreotide 100 mcg subcutaneous three times daily' })] }),
          ctx(),
        ),
      ).toBeNull();
    });

    it('fires for small cell lung cancer (class NEC) on lanreotide', () => {
      const p = classified({ cancers: [lungCancer()], histology: [smallCell({ specimenSite: 'lung' })], therapies: [lanreotide()] });
      expect(avoidSsaHighGrade.evaluate(p, ctx())?.indicator).toBe('warning');
    });
  });

  describe('class boundaries (rules.md §2): only class NEC fires', () => {
    it.each([
      ['NET G1, Ki-67 2.9 %', () => netPicture(2.9)],
      ['NET G2, Ki-67 3 %', () => netPicture(3)],
      ['NET G2, Ki-67 20 %', () => netPicture(20)],
      ['NET G3, Ki-67 20.1 % (well differentiated: not a carcinoma)', () => netPicture(20.1)],
      ['NET G3, Ki-67 60 %', () => netPicture(60)],
      [
        'differentiation unknown, Ki-67 20 % (presumed G1/G2)',
        () => classified({ histology: [necHistology({ histologyClass: 'neuroendocrine-unspecified', differentiation: 'unknown' })], ki67: ki67(20) }),
      ],
      [
        'differentiation unknown, Ki-67 20.1 % (high-grade, unclear)',
        () => classified({ histology: [necHistology({ histologyClass: 'neuroendocrine-unspecified', differentiation: 'unknown' })], ki67: ki67(20.1) }),
      ],
      [
        'neuroendocrine, ungraded',
        () => classified({ histology: [necHistology({ histologyClass: 'neuroendocrine-unspecified', differentiation: 'unknown' })] }),
      ],
      ['no neuroendocrine histology', () => classified({ histology: [] })],
    ])('%s → no card', (_label, build) => {
      expect(avoidSsaHighGrade.evaluate({ ...build(), therapies: [lanreotide()] }, ctx())).toBeNull();
    });

    it.each([
      ['NEC, Ki-67 80 %', 80],
      ['NEC, Ki-67 21 %', 21],
      ['NEC with atypically low Ki-67 15 % (stays NEC)', 15],
    ])('%s → warning', (_label, value) => {
      expect(avoidSsaHighGrade.evaluate(necPicture({ ki67: ki67(value), therapies: [lanreotide()] }), ctx())?.indicator).toBe('warning');
    });
  });

  describe.each(['order-select', 'order-sign'] as const)('%s (SSA ordered)', (hook) => {
    it('fires on a lanreotide draft in scope with no reason, removing it', () => {
      const rec = avoidSsaHighGrade.evaluate(necPicture({ draftOrders: [medDraft('lanreotide')] }), ctx(hook));
      expect(rec).toMatchObject({
        indicator: 'warning',
        variant: 'ordered',
        values: { drug: 'lanreotide' },
        suggestions: [{ labelKey: 'remove', actions: [{ kind: 'remove-draft', ref: 'MedicationRequest/draft-lanreotide' }] }],
      });
      expect(rec?.facts[1]).toEqual({
        label: 'Long-acting somatostatin analogue being ordered',
        value: 'lanreotide draft (reason on the order: none given)',
        sources: ['MedicationRequest/draft-lanreotide'],
      });
      const card = renderRecommendation(rec!);
      expect(card.summary).toBe('Remove lanreotide: long-acting somatostatin analogues do not control high-grade neuroendocrine carcinoma');
      expect(card.suggestions?.[0]?.actions).toEqual([
        { type: 'delete', description: 'Remove the draft order MedicationRequest/draft-lanreotide', resourceId: 'MedicationRequest/draft-lanreotide' },
      ]);
      expect(card.detail).toContain('The order gives no reason');
    });

    it('fires when the reason is antitumour ("antiproliferative")', () => {
      const rec = avoidSsaHighGrade.evaluate(necPicture({ draftOrders: [medDraft('octreotide', { reason: 'Antiproliferative therapy' })] }), ctx(hook));
      expect(rec?.values.drug).toBe('long-acting octreotide');
      expect(rec?.values.reasonNote).toMatch(/^The reason on the order is not symptom control/);
    });

    it.each([
      'Carcinoid syndrome',
      'Diarrhoea',
      'diarrhea from hormone secretion',
      'Flushing',
      'Hormonal syndrome symptom control',
      'VIPoma',
      'Acromegaly',
      "Cushing's disease",
      'symptom control',
    ])('reason "%s" (symptom control) → no card', (reason) => {
      expect(avoidSsaHighGrade.evaluate(necPicture({ draftOrders: [medDraft('lanreotide', { reason })] }), ctx(hook))).toBeNull();
    });

    it('only the drafts without a symptom-control reason are removed', () => {
      const p = necPicture({
        draftOrders: [medDraft('lanreotide', { reason: 'Carcinoid syndrome' }), medDraft('pasireotide', { reason: 'NEC liver metastases' })],
      });
      const rec = avoidSsaHighGrade.evaluate(p, ctx(hook));
      expect(rec?.values.drug).toBe('long-acting pasireotide');
      expect(rec?.suggestions[0]?.actions).toEqual([{ kind: 'remove-draft', ref: 'MedicationRequest/draft-pasireotide' }]);
    });

    it('out-of-scope SSA draft (not among selections) → no card', () => {
      expect(avoidSsaHighGrade.evaluate(necPicture({ draftOrders: [medDraft('lanreotide', { inScope: false })] }), ctx(hook))).toBeNull();
    });

    it('short-acting octreotide draft (no SSA class) → no card', () => {
      expect(avoidSsaHighGrade.evaluate(necPicture({ draftOrders: [medDraft('octreotide', { classes: [] })] }), ctx(hook))).toBeNull();
    });

    it('current lanreotide but nothing SSA ordered → no card on order hooks', () => {
      expect(avoidSsaHighGrade.evaluate(necPicture({ therapies: [lanreotide()], draftOrders: [medDraft('etoposide')] }), ctx(hook))).toBeNull();
    });

    it('NET G2 with a lanreotide draft → no card', () => {
      expect(avoidSsaHighGrade.evaluate(netPicture(12, { draftOrders: [medDraft('lanreotide')] }), ctx(hook))).toBeNull();
    });
  });

  it('patient-view ignores drafts (none are sent) and fires only on current therapy', () => {
    expect(avoidSsaHighGrade.evaluate(necPicture({ draftOrders: [medDraft('lanreotide')] }), ctx('patient-view'))).toBeNull();
  });

  it('runs on patient-view, order-select and order-sign', () => {
    expect(avoidSsaHighGrade.hooks).toEqual(['patient-view', 'order-select', 'order-sign']);
  });

  it.each([
    [undefined, false],
    ['', false],
    ['Metastatic neuroendocrine carcinoma', false],
    ['Atypical carcinoid tumour', false],
    ['Carcinoid crisis prophylaxis', true],
    ['hypoglycaemia from insulinoma', true],
  ])('isSymptomControlReason(%s) = %s', (reason, expected) => {
    expect(isSymptomControlReason(reason)).toBe(expected);
  });
});
