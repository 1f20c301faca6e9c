import { describe, expect, it } from 'vitest';
import { draftedColorectalRegimen, platinumEtoposide } from '../../../src/engine/classify/regimens.js';
import type { Therapy } from '../../../src/engine/picture.js';
import { draft, picture, therapy } from '../builders.js';

const carbo = (overrides: Partial<Therapy> = {}) => therapy('carboplatin', { classes: ['PLATINUM'], ...overrides });
const eto = (overrides: Partial<Therapy> = {}) => therapy('etoposide', { classes: ['ETOPOSIDE'], ...overrides });

describe('platinumEtoposide', () => {
  it('both current → current', () => {
    expect(platinumEtoposide(picture({ therapies: [carbo(), eto()] }), 21).current).toHaveLength(2);
  });
  it('one current, the other drafted → drafted', () => {
    const p = picture({ therapies: [carbo()], draftOrders: [draft('etoposide', { classes: ['ETOPOSIDE'] })] });
    expect(platinumEtoposide(p, 21).drafted.map((d) => d.drug)).toEqual(['etoposide']);
  });
  it('past pair within the 21-day window after the diagnosis → past, with the last date', () => {
    const p = picture({ therapies: [carbo({ status: 'past', date: '2026-03-01' }), eto({ status: 'past', date: '2026-03-03' })] });
    expect(platinumEtoposide(p, 21, '2026-01-01')).toMatchObject({ past: [{ drug: 'carboplatin' }, { drug: 'etoposide' }], lastGiven: '2026-03-03' });
  });
  it('a pair 22 days apart is not a regimen; a pair before the diagnosis (old BEP) does not count', () => {
    expect(
      platinumEtoposide(picture({ therapies: [carbo({ status: 'past', date: '2026-03-01' }), eto({ status: 'past', date: '2026-03-23' })] }), 21).past,
    ).toEqual([]);
    expect(
      platinumEtoposide(picture({ therapies: [carbo({ status: 'past', date: '2001-03-01' }), eto({ status: 'past', date: '2001-03-01' })] }), 21, '2026-01-01')
        .past,
    ).toEqual([]);
  });
  it('platinum alone is not the regimen', () => {
    const status = platinumEtoposide(picture({ therapies: [carbo()] }), 21);
    expect([status.current, status.drafted, status.past]).toEqual([[], [], []]);
  });
});

describe('draftedColorectalRegimen', () => {
  it('oxaliplatin + capecitabine (CAPOX) in the drafts', () => {
    expect(
      draftedColorectalRegimen([
        draft('oxaliplatin', { classes: ['COLORECTAL-REGIMEN'] }),
        draft('capecitabine', { classes: ['COLORECTAL-REGIMEN', 'CAPTEM'] }),
      ]),
    ).toHaveLength(2);
  });
  it('fluorouracil alone is not a colorectal regimen', () => {
    expect(draftedColorectalRegimen([draft('fluorouracil', { classes: ['COLORECTAL-REGIMEN'] })])).toEqual([]);
  });
});
