import { describe, expect, it } from 'vitest';
import type { DraftOrder } from '../../../src/engine/picture.js';
import { chemoDoseCheck } from '../../../src/engine/rules/chemo-dose-check.js';
import { ctx, NONE } from '../builders.js';
import { bsa, chemo, daysAgo, dosingPicture, gfr } from './dosing-builders.js';

/** Whole recommendations of chemo-dose-check across drugs, units, routes and inputs (texts, facts, suggestions). */

const sign = ctx('order-sign');
const check = (drafts: DraftOrder[], overrides: Parameters<typeof dosingPicture>[0] = {}) =>
  chemoDoseCheck.evaluate(dosingPicture({ draftOrders: drafts, ...overrides }), sign);

const scenarios: [string, () => ReturnType<typeof check>][] = [
  ['cisplatin far above the range (mg/m²)', () => check([chemo('cisplatin', [110, 'mg/m2'])])],
  ['cisplatin in mg, above by the warning band', () => check([chemo('cisplatin', [190, 'mg'])])],
  ['cisplatin in mg, below the range', () => check([chemo('cisplatin', [100, 'mg'])])],
  ['etoposide per m² "mg/m^2" above the range, intravenous', () => check([chemo('etoposide', [160, 'mg/m^2'])])],
  ['etoposide without a route', () => check([chemo('etoposide', [100, 'mg/m2'], { route: undefined })])],
  ['oral etoposide', () => check([chemo('etoposide', [200, 'mg'], { route: 'oral' })])],
  ['subcutaneous docetaxel', () => check([chemo('docetaxel', [75, 'mg/m2'], { route: 'Subcutaneous' })])],
  [
    'oral etoposide and subcutaneous docetaxel beside too much cisplatin',
    () =>
      check([
        chemo('etoposide', [200, 'mg'], { route: 'oral' }),
        chemo('docetaxel', [75, 'mg/m2'], { route: 'Subcutaneous' }),
        chemo('cisplatin', [110, 'mg/m2']),
      ]),
  ],
  ['docetaxel in an odd unit', () => check([chemo('docetaxel', [2, 'vial'])])],
  ['cabazitaxel in mg without a body surface area', () => check([chemo('cabazitaxel', [60, 'mg'])], { bsa: { missing: true, reason: 'no height' } })],
  ['cabazitaxel in mg with a stale body surface area', () => check([chemo('cabazitaxel', [70, 'mg'])], { bsa: bsa(2.0, { date: daysAgo(20) }) })],
  ['docetaxel in mg above the range', () => check([chemo('docetaxel', [200, 'mg'])])],
  ['carboplatin by AUC above the range', () => check([chemo('carboplatin', [8, 'AUC'])])],
  ['carboplatin by AUC in mg/mL·min below the range', () => check([chemo('carboplatin', [3, 'mg/mL·min'])])],
  ['carboplatin in mg above the Calvert dose', () => check([chemo('carboplatin', [900, 'mg'])])],
  ['carboplatin in mg below the Calvert dose', () => check([chemo('carboplatin', [300, 'mg'])])],
  ['carboplatin in mg with no GFR for dosing', () => check([chemo('carboplatin', [900, 'mg'])], { renal: { ...dosingPicture().renal, gfrForDosing: NONE } })],
  [
    'carboplatin in mg with a stale GFR',
    () => check([chemo('carboplatin', [900, 'mg'])], { renal: { ...dosingPicture().renal, gfrForDosing: gfr(85, { date: daysAgo(15) }) } }),
  ],
  [
    'carboplatin in mg with a GFR above the Calvert cap (range at GFR 125)',
    () => check([chemo('carboplatin', [1000, 'mg'])], { renal: { ...dosingPicture().renal, gfrForDosing: gfr(160) } }),
  ],
  ['carboplatin in an odd unit', () => check([chemo('carboplatin', [1, 'vial'])])],
  ['carboplatin too high and etoposide too low together', () => check([chemo('carboplatin', [900, 'mg']), chemo('etoposide', [50, 'mg/m2'])])],
  ['two findings of the same level', () => check([chemo('cisplatin', [110, 'mg/m2']), chemo('etoposide', [200, 'mg/m2'])])],
];

describe('chemo-dose-check: whole recommendations', () => {
  it.each(scenarios)('%s', (_name, scenario) => {
    expect(scenario()).toMatchSnapshot();
  });

  it.each([
    ['no dose on the draft', chemo('cisplatin')],
    ['out of scope', chemo('cisplatin', [150, 'mg/m2'], { inScope: false })],
    ['a drug it does not check', chemo('topotecan', [10, 'mg/m2'])],
    ['an unnamed draft', chemo('x', [500, 'mg/m2'], { drug: undefined })],
  ])('%s → no card', (_name, draft) => {
    expect(check([draft])).toBeNull();
  });
});
