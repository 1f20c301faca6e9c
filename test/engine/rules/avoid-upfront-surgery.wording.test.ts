import { describe, expect, it } from 'vitest';
import type { MetastasisSite } from '../../../src/engine/picture.js';
import { avoidUpfrontSurgeryExtensiveNec as rule, isPrimaryResection } from '../../../src/engine/rules/avoid-upfront-surgery-extensive-nec.js';
import { ctx } from '../builders.js';
import { metastasis, necPicture, serviceDraft } from './orders-builders.js';

/** Which order texts name resection of the primary, and how the card names the procedure and the metastasis sites. */

const text = (asRecorded: string) => serviceDraft(undefined, asRecorded);

describe('isPrimaryResection: order texts', () => {
  it.each(['Resect sigmoid tumour', 'Colectomy', 'Hemicolectomy, right', 'Proctocolectomy', 'Oesophagectomy', 'Esophagectomy', 'Whipple procedure'])(
    '%s → resection of the primary',
    (t) => {
      expect(isPrimaryResection(text(t))).toBe(true);
    },
  );

  it.each([
    'Resectability assessment',
    'Liver metastases resection',
    'Resection of hepatic lesion',
    'Resection of metastasis',
    'Transurethral resection',
    'Colonoscopy',
  ])('%s → not', (t) => {
    expect(isPrimaryResection(text(t))).toBe(false);
  });

  it('a MedicationRequest or an order with another procedure concept is never a resection by its text', () => {
    expect(isPrimaryResection({ ...text('Sigmoid colectomy'), resourceType: 'MedicationRequest' })).toBe(false);
    expect(isPrimaryResection(serviceDraft('ct-chest-abdomen-pelvis', 'CT before colectomy'))).toBe(false);
  });
});

describe('avoid-upfront-surgery-extensive-nec: how the card names things', () => {
  const evaluate = (drafts: ReturnType<typeof serviceDraft>[], sites: MetastasisSite[] = ['liver']) =>
    rule.evaluate(necPicture({ draftOrders: drafts, metastases: sites.map((s) => metastasis(s)) }), ctx('order-sign'));

  it('every metastasis site by its name; lymph nodes alone are not distant', () => {
    const sites: MetastasisSite[] = ['liver', 'lung', 'pleura', 'bone', 'brain', 'lymph-node', 'peritoneum', 'adrenal', 'other'];
    expect(evaluate([serviceDraft('colon-resection', 'Sigmoid colectomy')], sites)?.values.metastasisSites).toBe(
      'liver, lung, pleura, bone, brain, peritoneum, adrenal and other site',
    );
    expect(evaluate([serviceDraft('colon-resection', 'Sigmoid colectomy')], ['lymph-node'])).toBeNull();
  });

  it.each([
    ['Sigmoid colectomy', 'sigmoid colectomy'],
    ['APR (abdominoperineal)', 'APR (abdominoperineal)'],
    ['  ', 'colon resection'],
  ])('colon resection recorded as "%s" → "%s"', (asRecorded, procedure) => {
    expect(evaluate([serviceDraft('colon-resection', asRecorded)])?.values.procedure).toBe(procedure);
  });

  it('a resection by text only, recorded blank, is not named "colon resection"', () => {
    expect(evaluate([text('Colectomy'), serviceDraft('colon-resection', '')])?.values.procedure).toBe('colectomy and colon resection');
  });
});
