import { describe, expect, it } from 'vitest';
import { avoidArpiSmallCell } from '../../../src/engine/rules/avoid-arpi-small-cell.js';
import { avoidColorectalRegimenFirstLine } from '../../../src/engine/rules/avoid-colorectal-regimen-first-line.js';
import { platinumInLowGradeNet } from '../../../src/engine/rules/platinum-in-low-grade-net.js';
import { ctx, seed000 } from '../builders.js';
import { med as nepcMed, medDraft as nepcDraft } from './nepc-builders.js';
import { med, medDraft, necPicture, netPicture, pastPlatinumEtoposide } from './orders-builders.js';

/** Whole recommendations of avoid-arpi-small-cell, avoid-colorectal-regimen-first-line and platinum-in-low-grade-net. */

describe('avoid-arpi-small-cell: whole recommendations', () => {
  it.each([
    [
      'patient-view: current abiraterone with prednisone, past dexamethasone',
      () =>
        avoidArpiSmallCell.evaluate(
          seed000({
            therapies: [nepcMed('leuprolide'), nepcMed('abiraterone'), nepcMed('prednisone'), nepcMed('prednisone', { drug: 'dexamethasone', status: 'past' })],
          }),
          ctx(),
        ),
    ],
    [
      'patient-view: current enzalutamide only',
      () => avoidArpiSmallCell.evaluate(seed000({ therapies: [nepcMed('leuprolide'), nepcMed('enzalutamide')] }), ctx()),
    ],
    [
      'order-sign: abiraterone and enzalutamide drafted',
      () =>
        avoidArpiSmallCell.evaluate(
          seed000({ draftOrders: [nepcDraft('abiraterone', { asRecorded: 'Zytiga 1000 mg' }), nepcDraft('enzalutamide')] }),
          ctx('order-sign'),
        ),
    ],
    ['order-sign: enzalutamide drafted', () => avoidArpiSmallCell.evaluate(seed000({ draftOrders: [nepcDraft('enzalutamide')] }), ctx('order-sign'))],
  ] as const)('%s', (_name, run) => {
    expect(run()).toMatchSnapshot();
  });
});

describe('avoid-colorectal-regimen-first-line: whole recommendations', () => {
  const folfox = [medDraft('oxaliplatin'), medDraft('leucovorin'), medDraft('fluorouracil')];
  it.each([
    [
      'FOLFOX with platinum–etoposide given before the NEC diagnosis (undated NEC)',
      () => necPicture({ draftOrders: folfox, therapies: pastPlatinumEtoposide('2025-01-10'), nen: { ...necPicture().nen, date: undefined } }),
    ],
    [
      'FOLFOX with an undated course before the diagnosis',
      () => necPicture({ draftOrders: folfox, therapies: pastPlatinumEtoposide('2025-01-10').map((t) => ({ ...t, date: undefined, lastDate: undefined })) }),
    ],
    [
      'FOLFOX without leucovorin, platinum–etoposide given before the diagnosis',
      () => necPicture({ draftOrders: [medDraft('oxaliplatin'), medDraft('fluorouracil')], therapies: pastPlatinumEtoposide('2025-01-10') }),
    ],
  ] as const)('%s', (_name, p) => {
    expect(avoidColorectalRegimenFirstLine.evaluate(p(), ctx('order-sign'))).toMatchSnapshot();
  });
});

describe('platinum-in-low-grade-net: partners', () => {
  it('a current etoposide beside a drafted carboplatin is named with it', () => {
    const rec = platinumInLowGradeNet.evaluate(netPicture(12, { therapies: [med('etoposide')], draftOrders: [medDraft('carboplatin')] }), ctx('order-sign'));
    expect(rec?.values.drugs).toBe('carboplatin and etoposide');
  });

  it('a past etoposide is not a partner', () => {
    const rec = platinumInLowGradeNet.evaluate(
      netPicture(12, { therapies: [med('etoposide', { status: 'past' })], draftOrders: [medDraft('carboplatin')] }),
      ctx('order-sign'),
    );
    expect(rec).toBeNull();
  });

  it('a current carboplatin with etoposide drafted and carboplatin drafted again is not named twice', () => {
    const rec = platinumInLowGradeNet.evaluate(
      netPicture(12, { therapies: [med('carboplatin')], draftOrders: [medDraft('carboplatin'), medDraft('etoposide')] }),
      ctx('order-sign'),
    );
    expect(rec).toMatchSnapshot();
  });
});
