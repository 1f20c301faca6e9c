import { describe, expect, it } from 'vitest';
import type { PatientPicture } from '../../../src/engine/picture.js';
import { avoidLiverDirectedHighGrade } from '../../../src/engine/rules/avoid-liver-directed-high-grade.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx } from '../builders.js';
import { classified, ki67, med, medDraft, necHistology, necPicture, netPicture, pastPlatinumEtoposide, serviceDraft } from './orders-builders.js';

const tace = (overrides = {}) => serviceDraft('tace', 'Chemoembolization of liver metastases', overrides);
const status = (value: 'progressing' | 'stable' | 'responding' | 'unknown', date = '2026-11-10'): PatientPicture['diseaseStatus'] => ({
  value,
  date,
  sources: ['Observation/status'],
});

describe('avoid-liver-directed-high-grade', () => {
  describe.each(['order-select', 'order-sign'] as const)('%s', (hook) => {
    it('TACE for NEC with no platinum–etoposide yet → warning "chemotherapy first", remove suggestion', () => {
      const rec = avoidLiverDirectedHighGrade.evaluate(necPicture({ draftOrders: [tace()] }), ctx(hook));
      expect(rec).toMatchObject({
        ruleId: 'avoid-liver-directed-high-grade',
        indicator: 'warning',
        variant: 'first-line',
        values: { procedure: 'liver chemoembolisation', procedureAsRecorded: 'Chemoembolization of liver metastases' },
        suggestions: [{ labelKey: 'remove', isRecommended: true, actions: [{ kind: 'remove-draft', ref: 'ServiceRequest/draft-tace' }] }],
      });
      expect(rec?.values.chemoNote).toBe(
        'No platinum–etoposide is recorded since the carcinoma was diagnosed (2026-09-25). If it was given elsewhere, override this card.',
      );
      const card = renderRecommendation(rec!);
      expect(card.summary).toBe('Chemotherapy first: liver chemoembolisation is not first line for high-grade neuroendocrine carcinoma');
      expect(card.overrideReasons?.map((r) => r.display)).toContain('Palliative embolisation for bleeding');
      expect(card.suggestions?.[0]?.actions).toEqual([
        { type: 'delete', description: 'Remove the draft order ServiceRequest/draft-tace', resourceId: 'ServiceRequest/draft-tace' },
      ]);
      expect(card.detail).toContain('practice varies');
      expect(card.detail).toContain('004_5049645396e33319.txt');
      expect(card.detail).toContain('Disease status is not recorded: whether the carcinoma is behaving indolently cannot be judged from the record.');
    });

    it('cites the class and the order', () => {
      const rec = avoidLiverDirectedHighGrade.evaluate(necPicture({ draftOrders: [tace({ reason: 'Liver metastases' })] }), ctx(hook));
      expect(rec?.facts).toEqual([
        {
          label: 'Neuroendocrine class',
          value:
            'high-grade neuroendocrine carcinoma — Poorly differentiated neuroendocrine carcinoma of sigmoid colon (poorly differentiated neuroendocrine carcinoma)',
          date: '2026-09-25',
          sources: ['DiagnosticReport/path'],
        },
        {
          label: 'Liver-directed therapy being ordered',
          value: 'Chemoembolization of liver metastases (reason: "Liver metastases")',
          sources: ['ServiceRequest/draft-tace'],
        },
      ]);
    });

    it.each([
      ['tace', 'liver chemoembolisation'],
      ['tare', 'liver radioembolisation'],
      ['tae', 'liver embolisation'],
      ['liver-ablation', 'liver ablation'],
    ])('each liver-directed procedure fires: %s', (procedure, name) => {
      const rec = avoidLiverDirectedHighGrade.evaluate(necPicture({ draftOrders: [serviceDraft(procedure, `order ${procedure}`)] }), ctx(hook));
      expect(rec?.values.procedure).toBe(name);
      expect(renderRecommendation(rec!).summary).toContain(name);
    });

    it.each([
      ['liver-biopsy', 'Biopsy of liver'],
      ['ct-chest-abdomen-pelvis', 'CT chest abdomen pelvis'],
      ['colon-resection', 'Sigmoid colectomy'],
      [undefined, 'Hepatic artery angiogram'],
    ])('not liver-directed therapy (%s) → no card', (procedure, text) => {
      expect(avoidLiverDirectedHighGrade.evaluate(necPicture({ draftOrders: [serviceDraft(procedure, text)] }), ctx(hook))).toBeNull();
    });

    it('TACE draft out of scope (not among selections) → no card', () => {
      expect(avoidLiverDirectedHighGrade.evaluate(necPicture({ draftOrders: [tace({ inScope: false })] }), ctx(hook))).toBeNull();
    });

    it('only in-scope liver-directed drafts are named and removed', () => {
      const rec = avoidLiverDirectedHighGrade.evaluate(
        necPicture({ draftOrders: [tace(), serviceDraft('tare', 'Y-90 radioembolization', { inScope: false })] }),
        ctx(hook),
      );
      expect(rec?.values.procedure).toBe('liver chemoembolisation');
      expect(rec?.suggestions[0]?.actions).toEqual([{ kind: 'remove-draft', ref: 'ServiceRequest/draft-tace' }]);
    });

    describe('platinum–etoposide and disease status', () => {
      it.each([
        ['no platinum–etoposide, status missing', [], undefined, 'warning', 'first-line'],
        ['no platinum–etoposide, stable', [], status('stable'), 'warning', 'first-line'],
        ['no platinum–etoposide, progressing', [], status('progressing'), 'warning', 'first-line'],
        ['platinum–etoposide given, progressing', pastPlatinumEtoposide(), status('progressing'), 'warning', 'progressing'],
        ['platinum–etoposide given, stable', pastPlatinumEtoposide(), status('stable'), 'info', 'after-chemotherapy'],
        ['platinum–etoposide given, responding', pastPlatinumEtoposide(), status('responding'), 'info', 'after-chemotherapy'],
        ['platinum–etoposide given, status unknown', pastPlatinumEtoposide(), status('unknown'), 'info', 'after-chemotherapy'],
        ['platinum–etoposide given, status missing', pastPlatinumEtoposide(), undefined, 'info', 'after-chemotherapy'],
      ] as const)('%s → %s (%s)', (_label, therapies, diseaseStatus, indicator, variant) => {
        const p = necPicture({ therapies: [...therapies], draftOrders: [tace()], ...(diseaseStatus ? { diseaseStatus } : {}) });
        const rec = avoidLiverDirectedHighGrade.evaluate(p, ctx(hook));
        expect(rec).toMatchObject({ indicator, variant, suggestions: [{ isRecommended: variant !== 'after-chemotherapy' }] });
        expect(renderRecommendation(rec!).indicator).toBe(indicator);
      });

      it('info after chemotherapy: summary, chemo and status facts with dates', () => {
        const p = necPicture({ therapies: pastPlatinumEtoposide(), draftOrders: [tace()], diseaseStatus: status('stable') });
        const rec = avoidLiverDirectedHighGrade.evaluate(p, ctx(hook));
        expect(rec?.facts.slice(2)).toEqual([
          { label: 'Platinum–etoposide given', value: 'carboplatin (as ordered)', date: '2026-10-20', sources: ['MedicationRequest/carboplatin-c1'] },
          { label: 'Platinum–etoposide given', value: 'etoposide (as ordered)', date: '2026-10-20', sources: ['MedicationRequest/etoposide-c1'] },
          { label: 'Disease status', value: 'stable', date: '2026-11-10', sources: ['Observation/status'] },
        ]);
        expect(rec?.values.chemoNote).toBe('Platinum–etoposide has been given (last 2026-10-20).');
        expect(rec?.values.statusNote).toBe('');
        expect(renderRecommendation(rec!).summary).toBe(
          'Liver chemoembolisation after platinum–etoposide: only if the neuroendocrine carcinoma has behaved indolently',
        );
      });

      it('progressing after chemotherapy: summary says so', () => {
        const p = necPicture({ therapies: pastPlatinumEtoposide(), draftOrders: [tace()], diseaseStatus: status('progressing') });
        expect(renderRecommendation(avoidLiverDirectedHighGrade.evaluate(p, ctx(hook))!).summary).toBe(
          'Disease progressing: systemic therapy, not liver chemoembolisation, for high-grade neuroendocrine carcinoma',
        );
      });

      it('missing disease status after chemotherapy: info, and the card says why the status is missing', () => {
        const p = necPicture({
          therapies: pastPlatinumEtoposide(),
          draftOrders: [tace()],
          diseaseStatus: { missing: true, reason: 'no cancer disease status Observation' },
        });
        const rec = avoidLiverDirectedHighGrade.evaluate(p, ctx(hook));
        expect(rec?.indicator).toBe('info');
        expect(rec?.values.statusNote).toBe(
          'Disease status is not recorded (no cancer disease status Observation): whether the carcinoma is behaving indolently cannot be judged from the record.',
        );
      });

      it('current platinum–etoposide counts as given', () => {
        const p = necPicture({ therapies: [med('carboplatin'), med('etoposide')], draftOrders: [tace()], diseaseStatus: status('stable') });
        expect(avoidLiverDirectedHighGrade.evaluate(p, ctx(hook))?.indicator).toBe('info');
      });

      it('platinum–etoposide before the carcinoma diagnosis (old germ-cell BEP) does not count → warning', () => {
        const p = necPicture({
          therapies: pastPlatinumEtoposide('2015-03-01').map((t) => ({ ...t, date: '2015-02-01' })),
          draftOrders: [tace()],
          diseaseStatus: status('stable'),
        });
        expect(avoidLiverDirectedHighGrade.evaluate(p, ctx(hook))?.variant).toBe('first-line');
      });

      it.each([
        ['21 days apart (within the cycle window)', '2026-10-21', 'after-chemotherapy'],
        ['22 days apart (outside the cycle window)', '2026-10-22', 'first-line'],
      ])('platinum and etoposide %s', (_label, etoposideDate, variant) => {
        const therapies = [
          med('carboplatin', { status: 'past', date: '2026-09-30', lastDate: '2026-09-30' }),
          med('etoposide', { status: 'past', date: etoposideDate, lastDate: etoposideDate }),
        ];
        const p = necPicture({ therapies, draftOrders: [tace()], diseaseStatus: status('stable') });
        expect(avoidLiverDirectedHighGrade.evaluate(p, ctx(hook))?.variant).toBe(variant);
      });

      it('platinum–etoposide drafted alongside the TACE: still warning, the card says to start chemotherapy first', () => {
        const p = necPicture({ draftOrders: [tace(), medDraft('carboplatin'), medDraft('etoposide')] });
        const rec = avoidLiverDirectedHighGrade.evaluate(p, ctx(hook));
        expect(rec?.indicator).toBe('warning');
        expect(rec?.values.chemoNote).toContain('Platinum–etoposide (carboplatin and etoposide) is being ordered now: start it first');
      });
    });

    describe('class boundaries (rules.md §2): only class NEC fires', () => {
      it.each([
        ['NET G1, Ki-67 2.9 %', () => netPicture(2.9)],
        ['NET G2, Ki-67 20 %', () => netPicture(20)],
        ['NET G3, Ki-67 20.1 %', () => netPicture(20.1)],
        ['NET G3, Ki-67 56 %', () => netPicture(56)],
        [
          'differentiation unknown, Ki-67 20.1 % (unclear)',
          () => classified({ histology: [necHistology({ histologyClass: 'neuroendocrine-unspecified', differentiation: 'unknown' })], ki67: ki67(20.1) }),
        ],
        [
          'differentiation unknown, Ki-67 20 % (presumed)',
          () => classified({ histology: [necHistology({ histologyClass: 'neuroendocrine-unspecified', differentiation: 'unknown' })], ki67: ki67(20) }),
        ],
        ['no neuroendocrine histology', () => classified({})],
      ])('%s + TACE → no card', (_label, build) => {
        expect(avoidLiverDirectedHighGrade.evaluate({ ...build(), draftOrders: [tace()] }, ctx(hook))).toBeNull();
      });

      it('NEC with atypically low Ki-67 (15 %) stays NEC → warning', () => {
        expect(avoidLiverDirectedHighGrade.evaluate(necPicture({ ki67: ki67(15), draftOrders: [tace()] }), ctx(hook))?.indicator).toBe('warning');
      });
    });
  });

  it('does not run on patient-view', () => {
    expect(avoidLiverDirectedHighGrade.hooks).toEqual(['order-select', 'order-sign']);
    expect(avoidLiverDirectedHighGrade.hooks).not.toContain('patient-view');
  });
});
