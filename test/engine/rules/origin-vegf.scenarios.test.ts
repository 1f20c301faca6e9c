import { describe, expect, it } from 'vitest';
import { confirmNecOrigin } from '../../../src/engine/rules/confirm-nec-origin.js';
import { stopVegfTkiSmallCell } from '../../../src/engine/rules/stop-vegf-tki-small-cell.js';
import { ctx, lungCancer, prostateCancer, seed000, smallCell } from '../builders.js';
import { med, medDraft, renalCellCarcinoma } from './nepc-builders.js';

/** Whole recommendations of confirm-nec-origin (histology, specimens, Merkel) and stop-vegf-tki-small-cell (plural, renal). */

const merkel = { primarySite: 'merkel' as const, display: 'Merkel cell carcinoma of skin', date: '2024-02-01', sources: ['Condition/mcc'] };

describe('confirm-nec-origin: whole recommendations', () => {
  it.each([
    [
      'large cell from the lung and an unsited specimen, lung primary',
      () =>
        seed000({
          cancers: [prostateCancer(), lungCancer()],
          histology: [
            smallCell({ histologyClass: 'large-cell-nec', specimenSite: 'lung' }),
            smallCell({ histologyClass: 'large-cell-nec', specimenSite: undefined, sources: ['DiagnosticReport/2'] }),
          ],
        }),
    ],
    ['small cell with a Merkel cell carcinoma elsewhere', () => seed000({ cancers: [prostateCancer(), merkel, lungCancer()] })],
  ] as const)('%s', (_name, p) => {
    expect(confirmNecOrigin.evaluate(p(), ctx())).toMatchSnapshot();
  });
});

describe('stop-vegf-tki-small-cell: whole recommendations', () => {
  it.each([
    [
      'two current VEGF TKIs, a renal cell carcinoma on record',
      () =>
        stopVegfTkiSmallCell.evaluate(
          seed000({ therapies: [med('leuprolide'), med('axitinib'), med('cabozantinib')], cancers: [prostateCancer(), renalCellCarcinoma()] }),
          ctx(),
        ),
    ],
    [
      'a VEGF TKI ordered with a renal reason',
      () =>
        stopVegfTkiSmallCell.evaluate(
          seed000({ therapies: [], draftOrders: [medDraft('axitinib', { reason: 'metastatic renal cell carcinoma' })] }),
          ctx('order-sign'),
        ),
    ],
    [
      'a VEGF TKI ordered, small cell from a specimen without a site',
      () =>
        stopVegfTkiSmallCell.evaluate(
          seed000({ therapies: [], histology: [smallCell({ specimenSite: undefined })], draftOrders: [medDraft('axitinib')] }),
          ctx('order-sign'),
        ),
    ],
  ] as const)('%s', (_name, run) => {
    expect(run()).toMatchSnapshot();
  });
});
