import { describe, expect, it } from 'vitest';
import type { MetastasisSite } from '../../../src/engine/picture.js';
import { avoidUpfrontSurgeryExtensiveNec, isPrimaryResection } from '../../../src/engine/rules/avoid-upfront-surgery-extensive-nec.js';
import { renderRecommendation } from '../../helpers/render-rule.js';
import { ctx } from '../builders.js';
import { classified, ki67, medDraft, metastasis, necHistology, necPicture, netPicture, serviceDraft } from './orders-builders.js';

const colectomy = (overrides = {}) => serviceDraft('colon-resection', 'Sigmoid colectomy', overrides);

describe('avoid-upfront-surgery-extensive-nec', () => {
  describe.each(['order-select', 'order-sign'] as const)('%s', (hook) => {
    it('seed 004: sigmoid NEC with liver metastases, sigmoid colectomy ordered → warning, remove suggestion', () => {
      const rec = avoidUpfrontSurgeryExtensiveNec.evaluate(necPicture({ draftOrders: [colectomy()] }), ctx(hook));
      expect(rec).toMatchObject({
        ruleId: 'avoid-upfront-surgery-extensive-nec',
        indicator: 'warning',
        variant: 'metastatic',
        values: { procedure: 'sigmoid colectomy', metastasisSites: 'liver' },
        suggestions: [{ labelKey: 'remove', isRecommended: true, actions: [{ kind: 'remove-draft', ref: 'ServiceRequest/draft-colon-resection' }] }],
      });
      expect(rec?.facts).toEqual([
        {
          label: 'Neuroendocrine class',
          value:
            'high-grade neuroendocrine carcinoma — Poorly differentiated neuroendocrine carcinoma of sigmoid colon (poorly differentiated neuroendocrine carcinoma)',
          date: '2026-09-25',
          sources: ['DiagnosticReport/path'],
        },
        { label: 'Distant metastasis', value: 'Secondary malignant neoplasm (liver)', date: '2026-09-20', sources: ['Condition/met-liver'] },
        { label: 'Resection being ordered', value: 'Sigmoid colectomy', sources: ['ServiceRequest/draft-colon-resection'] },
      ]);
      const card = renderRecommendation(rec!);
      expect(card.summary).toBe('Chemotherapy first, not sigmoid colectomy: high-grade neuroendocrine carcinoma with distant metastases');
      expect(card.overrideReasons?.map((r) => r.code)).toContain('symptomatic-primary');
      expect(card.suggestions?.[0]?.actions).toEqual([
        { type: 'delete', description: 'Remove the draft order ServiceRequest/draft-colon-resection', resourceId: 'ServiceRequest/draft-colon-resection' },
      ]);
      expect(card.detail).toContain('except lymph node metastases');
      expect(card.detail).toContain('004_5049645396e33319.txt');
    });

    describe('distant metastases: every site except lymph nodes', () => {
      it.each(['liver', 'lung', 'pleura', 'bone', 'brain', 'peritoneum', 'adrenal', 'other'] as MetastasisSite[])('%s → fires', (site) => {
        const rec = avoidUpfrontSurgeryExtensiveNec.evaluate(necPicture({ metastases: [metastasis(site)], draftOrders: [colectomy()] }), ctx(hook));
        expect(rec?.indicator).toBe('warning');
      });

      it('lymph node metastases only → no card', () => {
        expect(
          avoidUpfrontSurgeryExtensiveNec.evaluate(necPicture({ metastases: [metastasis('lymph-node')], draftOrders: [colectomy()] }), ctx(hook)),
        ).toBeNull();
      });

      it('no metastases (localised) → no card', () => {
        expect(avoidUpfrontSurgeryExtensiveNec.evaluate(necPicture({ metastases: [], draftOrders: [colectomy()] }), ctx(hook))).toBeNull();
      });

      it('lymph nodes + bone → fires, cites and names only the distant site', () => {
        const rec = avoidUpfrontSurgeryExtensiveNec.evaluate(
          necPicture({ metastases: [metastasis('lymph-node'), metastasis('bone')], draftOrders: [colectomy()] }),
          ctx(hook),
        );
        expect(rec?.values.metastasisSites).toBe('bone');
        expect(rec?.facts.filter((f) => f.label === 'Distant metastasis').map((f) => f.sources[0])).toEqual(['Condition/met-bone']);
      });
    });

    describe('what counts as resection of the primary', () => {
      it.each([
        ['colon-resection concept', serviceDraft('colon-resection', 'Partial resection of colon')],
        ['text: Whipple procedure', serviceDraft(undefined, 'Whipple procedure')],
        ['text: distal pancreatectomy', serviceDraft(undefined, 'Distal pancreatectomy')],
        ['text: radical prostatectomy', serviceDraft(undefined, 'Radical prostatectomy')],
        ['text: low anterior resection of rectum', serviceDraft(undefined, 'Low anterior resection of rectum')],
        ['text: right hemicolectomy', serviceDraft(undefined, 'Right hemicolectomy')],
        ['text: pancreaticoduodenectomy', serviceDraft(undefined, 'Pancreaticoduodenectomy')],
      ])('%s → fires', (_label, d) => {
        const rec = avoidUpfrontSurgeryExtensiveNec.evaluate(necPicture({ draftOrders: [d] }), ctx(hook));
        expect(rec?.indicator).toBe('warning');
        expect(renderRecommendation(rec!).summary.length).toBeLessThan(140);
      });

      it.each([
        ['liver resection (metastasis surgery)', serviceDraft(undefined, 'Resection of liver metastasis')],
        ['hepatectomy', serviceDraft(undefined, 'Right hepatectomy')],
        ['transurethral resection of prostate (palliative)', serviceDraft(undefined, 'Transurethral resection of prostate')],
        ['liver biopsy', serviceDraft('liver-biopsy', 'Biopsy of liver')],
        ['TACE', serviceDraft('tace', 'Chemoembolization of liver metastases')],
        ['CT chest/abdomen/pelvis', serviceDraft('ct-chest-abdomen-pelvis', 'CT chest abdomen pelvis')],
        ['a medication draft', medDraft('etoposide')],
        ['a non-ServiceRequest text naming a resection', { ...serviceDraft(undefined, 'Sigmoid resection'), resourceType: 'Task' }],
      ])('%s → no card', (_label, d) => {
        expect(avoidUpfrontSurgeryExtensiveNec.evaluate(necPicture({ draftOrders: [d] }), ctx(hook))).toBeNull();
      });
    });

    it('resection draft out of scope (not among selections) → no card', () => {
      expect(avoidUpfrontSurgeryExtensiveNec.evaluate(necPicture({ draftOrders: [colectomy({ inScope: false })] }), ctx(hook))).toBeNull();
    });

    it('only in-scope resection drafts are named and removed', () => {
      const p = necPicture({ draftOrders: [colectomy(), serviceDraft(undefined, 'Whipple procedure', { inScope: false })] });
      const rec = avoidUpfrontSurgeryExtensiveNec.evaluate(p, ctx(hook));
      expect(rec?.values.procedure).toBe('sigmoid colectomy');
      expect(rec?.suggestions[0]?.actions).toEqual([{ kind: 'remove-draft', ref: 'ServiceRequest/draft-colon-resection' }]);
    });

    it('cites the order reason when given', () => {
      const rec = avoidUpfrontSurgeryExtensiveNec.evaluate(necPicture({ draftOrders: [colectomy({ reason: 'Sigmoid NEC' })] }), ctx(hook));
      expect(rec?.facts.at(-1)?.value).toBe('Sigmoid colectomy (reason: "Sigmoid NEC")');
    });

    describe('class boundaries (rules.md §2): only class NEC fires', () => {
      const unspecified = necHistology({ histologyClass: 'neuroendocrine-unspecified', differentiation: 'unknown' });
      it.each([
        ['NET G2, Ki-67 20 %', () => netPicture(20, { metastases: [metastasis('liver')] })],
        ['NET G3, Ki-67 20.1 %', () => netPicture(20.1, { metastases: [metastasis('liver')] })],
        [
          'differentiation unknown, Ki-67 20.1 % (unclear)',
          () => classified({ histology: [unspecified], ki67: ki67(20.1), metastases: [metastasis('liver')] }),
        ],
        [
          'adenocarcinoma of colon',
          () => classified({ histology: [necHistology({ histologyClass: 'adenocarcinoma', differentiation: 'unknown' })], metastases: [metastasis('liver')] }),
        ],
      ])('%s with liver metastases + colectomy → no card', (_label, build) => {
        expect(avoidUpfrontSurgeryExtensiveNec.evaluate({ ...build(), draftOrders: [colectomy()] }, ctx(hook))).toBeNull();
      });

      it('NEC with Ki-67 21 % → warning', () => {
        expect(avoidUpfrontSurgeryExtensiveNec.evaluate(necPicture({ ki67: ki67(21), draftOrders: [colectomy()] }), ctx(hook))?.indicator).toBe('warning');
      });
    });
  });

  it('does not run on patient-view', () => {
    expect(avoidUpfrontSurgeryExtensiveNec.hooks).toEqual(['order-select', 'order-sign']);
  });

  it.each([
    ['Laparoscopic sigmoidectomy', true],
    ['Right upper lobectomy', true],
    ['Hepatic lobectomy', false],
    ['Liver metastasectomy', false],
    ['TURP', false],
  ])('isPrimaryResection("%s") = %s', (text, expected) => {
    expect(isPrimaryResection(serviceDraft(undefined, text))).toBe(expected);
  });
});
