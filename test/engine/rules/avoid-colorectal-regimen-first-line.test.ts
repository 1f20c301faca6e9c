import { describe, expect, it } from 'vitest';
import { avoidColorectalRegimenFirstLine } from '../../../src/engine/rules/avoid-colorectal-regimen-first-line.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx } from '../builders.js';
import { classified, ki67, med, medDraft, necHistology, necPicture, netPicture, pastPlatinumEtoposide } from './orders-builders.js';

const folfox = (overrides: { inScope?: boolean } = {}) => [
  medDraft('oxaliplatin', overrides),
  medDraft('leucovorin', overrides),
  medDraft('fluorouracil', overrides),
];

describe('avoid-colorectal-regimen-first-line', () => {
  describe.each(['order-select', 'order-sign'] as const)('%s', (hook) => {
    it('FOLFOX drafted for NEC, no platinum–etoposide → warning removing every draft of the regimen in one suggestion', () => {
      const rec = avoidColorectalRegimenFirstLine.evaluate(necPicture({ draftOrders: folfox() }), ctx(hook));
      expect(rec).toMatchObject({
        ruleId: 'avoid-colorectal-regimen-first-line',
        indicator: 'warning',
        variant: 'pure',
        values: { regimen: 'FOLFOX', drugs: 'oxaliplatin, fluorouracil and leucovorin' },
      });
      expect(rec?.suggestions).toEqual([
        {
          labelKey: 'remove',
          isRecommended: true,
          actions: [
            { kind: 'remove-draft', ref: 'MedicationRequest/draft-oxaliplatin' },
            { kind: 'remove-draft', ref: 'MedicationRequest/draft-fluorouracil' },
            { kind: 'remove-draft', ref: 'MedicationRequest/draft-leucovorin' },
          ],
        },
      ]);
      const card = renderRecommendation(rec!);
      expect(card.summary).toBe('Platinum–etoposide, not FOLFOX, is the standard first line for high-grade neuroendocrine carcinoma');
      expect(card.suggestions).toHaveLength(1);
      expect(card.suggestions?.[0]?.label).toBe('Remove the FOLFOX orders (oxaliplatin, fluorouracil and leucovorin)');
      expect(card.suggestions?.[0]?.actions.map((a) => a.type)).toEqual(['delete', 'delete', 'delete']);
      expect(card.overrideReasons?.map((r) => r.code)).toEqual(['given-elsewhere', 'minen-adenocarcinoma-component', 'intolerance', 'clinical-trial']);
      expect(card.detail).toContain('practice varies');
      expect(card.detail).toContain('No platinum–etoposide is recorded since the carcinoma was diagnosed (2026-09-25).');
      expect(card.detail).toContain('003_57ab4d718b319cc9.txt');
    });

    it('cites the class and each draft', () => {
      const rec = avoidColorectalRegimenFirstLine.evaluate(necPicture({ draftOrders: [medDraft('irinotecan'), medDraft('fluorouracil')] }), ctx(hook));
      expect(rec?.facts).toEqual([
        {
          label: 'Neuroendocrine class',
          value:
            'high-grade neuroendocrine carcinoma — Poorly differentiated neuroendocrine carcinoma of sigmoid colon (poorly differentiated neuroendocrine carcinoma)',
          date: '2026-09-25',
          sources: ['DiagnosticReport/path'],
        },
        { label: 'Being ordered', value: 'irinotecan draft', sources: ['MedicationRequest/draft-irinotecan'] },
        { label: 'Being ordered', value: 'fluorouracil draft', sources: ['MedicationRequest/draft-fluorouracil'] },
      ]);
    });

    it.each([
      [['oxaliplatin', 'fluorouracil'], 'FOLFOX'],
      [['irinotecan', 'fluorouracil'], 'FOLFIRI'],
      [['oxaliplatin', 'irinotecan', 'fluorouracil'], 'FOLFIRINOX'],
      [['oxaliplatin', 'capecitabine'], 'CAPOX'],
      [['irinotecan', 'capecitabine'], 'capecitabine + irinotecan'],
    ])('%j → %s', (drugs, name) => {
      const rec = avoidColorectalRegimenFirstLine.evaluate(necPicture({ draftOrders: drugs.map((d) => medDraft(d)) }), ctx(hook));
      expect(rec?.values.regimen).toBe(name);
      expect(renderRecommendation(rec!).summary.length).toBeLessThan(140);
    });

    it.each([
      ['oxaliplatin alone', ['oxaliplatin']],
      ['fluorouracil alone', ['fluorouracil']],
      ['capecitabine alone', ['capecitabine']],
      ['capecitabine + temozolomide (CAPTEM, not a colorectal regimen)', ['capecitabine', 'temozolomide']],
      ['carboplatin + etoposide', ['carboplatin', 'etoposide']],
    ])('%s → no card', (_label, drugs) => {
      expect(avoidColorectalRegimenFirstLine.evaluate(necPicture({ draftOrders: drugs.map((d) => medDraft(d)) }), ctx(hook))).toBeNull();
    });

    describe('scope', () => {
      it('every draft of the regimen out of scope → no card', () => {
        expect(avoidColorectalRegimenFirstLine.evaluate(necPicture({ draftOrders: folfox({ inScope: false }) }), ctx(hook))).toBeNull();
      });

      it('one draft in scope (oxaliplatin selected, fluorouracil already in the set) → fires and removes both', () => {
        const p = necPicture({ draftOrders: [medDraft('oxaliplatin'), medDraft('fluorouracil', { inScope: false })] });
        const rec = avoidColorectalRegimenFirstLine.evaluate(p, ctx(hook));
        expect(rec?.suggestions[0]?.actions).toEqual([
          { kind: 'remove-draft', ref: 'MedicationRequest/draft-oxaliplatin' },
          { kind: 'remove-draft', ref: 'MedicationRequest/draft-fluorouracil' },
        ]);
        expect(rec?.facts[2]).toEqual({ label: 'In the same order set', value: 'fluorouracil draft', sources: ['MedicationRequest/draft-fluorouracil'] });
      });

      it('only leucovorin in scope (not a regimen drug) → no card', () => {
        const p = necPicture({
          draftOrders: [medDraft('oxaliplatin', { inScope: false }), medDraft('fluorouracil', { inScope: false }), medDraft('leucovorin')],
        });
        expect(avoidColorectalRegimenFirstLine.evaluate(p, ctx(hook))).toBeNull();
      });
    });

    describe('platinum–etoposide history', () => {
      it('past platinum–etoposide after the diagnosis (second line) → no card', () => {
        expect(avoidColorectalRegimenFirstLine.evaluate(necPicture({ therapies: pastPlatinumEtoposide(), draftOrders: folfox() }), ctx(hook))).toBeNull();
      });

      it('current platinum–etoposide → no card', () => {
        expect(
          avoidColorectalRegimenFirstLine.evaluate(necPicture({ therapies: [med('cisplatin'), med('etoposide')], draftOrders: folfox() }), ctx(hook)),
        ).toBeNull();
      });

      it('platinum–etoposide before the carcinoma diagnosis (old BEP) does not count → fires and says so', () => {
        const old = pastPlatinumEtoposide('2015-03-01').map((t) => ({ ...t, date: '2015-02-01' }));
        const rec = avoidColorectalRegimenFirstLine.evaluate(necPicture({ therapies: old, draftOrders: folfox() }), ctx(hook));
        expect(rec?.indicator).toBe('warning');
        expect(rec?.values.historyNote).toContain(
          'carboplatin (as ordered) (2015-03-01) and etoposide (as ordered) (2015-03-01) predate the carcinoma diagnosis',
        );
      });

      it('platinum alone in the past (no etoposide) → fires', () => {
        expect(
          avoidColorectalRegimenFirstLine.evaluate(necPicture({ therapies: [pastPlatinumEtoposide()[0]!], draftOrders: folfox() }), ctx(hook))?.indicator,
        ).toBe('warning');
      });

      it.each([
        ['21 days apart (one cycle)', '2026-10-21', null],
        ['22 days apart (not one regimen)', '2026-10-22', 'warning'],
      ])('past platinum and etoposide %s', (_label, etoposideDate, expected) => {
        const therapies = [
          med('carboplatin', { status: 'past', date: '2026-09-30', lastDate: '2026-09-30' }),
          med('etoposide', { status: 'past', date: etoposideDate, lastDate: etoposideDate }),
        ];
        expect(avoidColorectalRegimenFirstLine.evaluate(necPicture({ therapies, draftOrders: folfox() }), ctx(hook))?.indicator ?? null).toBe(expected);
      });

      it('the cycle window is configurable (regimenWindowDays)', () => {
        const therapies = [
          med('carboplatin', { status: 'past', date: '2026-09-30', lastDate: '2026-09-30' }),
          med('etoposide', { status: 'past', date: '2026-10-22', lastDate: '2026-10-22' }),
        ];
        expect(avoidColorectalRegimenFirstLine.evaluate(necPicture({ therapies, draftOrders: folfox() }), ctx(hook, { regimenWindowDays: 28 }))).toBeNull();
      });
    });

    it('MiNEN (mixed) → warning, mixed wording, removal not recommended', () => {
      const p = necPicture({ histology: [necHistology({ mixed: true })], draftOrders: folfox() });
      const rec = avoidColorectalRegimenFirstLine.evaluate(p, ctx(hook));
      expect(rec).toMatchObject({ indicator: 'warning', variant: 'mixed', suggestions: [{ isRecommended: false }] });
      const card = renderRecommendation(rec!);
      expect(card.summary).toBe('Platinum–etoposide, not FOLFOX, is the standard first line for the neuroendocrine carcinoma component');
      expect(card.detail).toContain('mixed neuroendocrine–non-neuroendocrine neoplasm (MiNEN)');
    });

    describe('class boundaries (rules.md §2): only class NEC fires', () => {
      it.each([
        ['NET G1, Ki-67 2.9 %', () => netPicture(2.9)],
        ['NET G2, Ki-67 20 %', () => netPicture(20)],
        ['NET G3, Ki-67 20.1 %', () => netPicture(20.1)],
        [
          'differentiation unknown, Ki-67 20.1 % (unclear)',
          () => classified({ histology: [necHistology({ histologyClass: 'neuroendocrine-unspecified', differentiation: 'unknown' })], ki67: ki67(20.1) }),
        ],
        [
          'neuroendocrine, ungraded',
          () => classified({ histology: [necHistology({ histologyClass: 'neuroendocrine-unspecified', differentiation: 'unknown' })] }),
        ],
        [
          'colorectal adenocarcinoma (not neuroendocrine)',
          () =>
            classified({
              histology: [necHistology({ histologyClass: 'adenocarcinoma', differentiation: 'unknown', display: 'Adenocarcinoma of sigmoid colon' })],
            }),
        ],
      ])('%s + FOLFOX → no card', (_label, build) => {
        expect(avoidColorectalRegimenFirstLine.evaluate({ ...build(), draftOrders: folfox() }, ctx(hook))).toBeNull();
      });

      it('NEC with Ki-67 21 % → warning', () => {
        expect(avoidColorectalRegimenFirstLine.evaluate(necPicture({ ki67: ki67(21), draftOrders: folfox() }), ctx(hook))?.indicator).toBe('warning');
      });
    });
  });

  it('does not run on patient-view', () => {
    expect(avoidColorectalRegimenFirstLine.hooks).toEqual(['order-select', 'order-sign']);
  });
});
