import { describe, expect, it } from 'vitest';
import type { DraftOrder, PatientPicture } from '../../../src/engine/picture.js';
import { hepaticDoseCheck } from '../../../src/engine/rules/hepatic-dose-check.js';
import { ctx, NONE } from '../builders.js';
import { bsa, chemo, daysAgo, dosingPicture, lab, normalLabs } from './dosing-builders.js';

/** Whole recommendations of hepatic-dose-check across its grades, gaps and dose units (texts, facts, suggestions). */

// Upper limits of normal in normalLabs(): bilirubin 1.2 mg/dL, AST 40 U/L, ALT 40 U/L, alkaline phosphatase 120 U/L.
type Labs = Partial<PatientPicture['labs']>;
const bili = (value: number, overrides = {}) => lab(value, 'mg/dL', { referenceHigh: 1.2, sources: ['Observation/bili'], ...overrides });
const ast = (value: number, overrides = {}) => lab(value, 'U/L', { referenceHigh: 40, sources: ['Observation/ast'], ...overrides });
const alt = (value: number, overrides = {}) => lab(value, 'U/L', { referenceHigh: 40, sources: ['Observation/alt'], ...overrides });
const alp = (value: number, overrides = {}) => lab(value, 'U/L', { referenceHigh: 120, sources: ['Observation/alp'], ...overrides });

const sign = ctx('order-sign');
const run = (drafts: DraftOrder[], labs: Labs = {}, overrides: Partial<PatientPicture> = {}) =>
  hepaticDoseCheck.evaluate(dosingPicture({ labs: { ...normalLabs(), ...labs }, draftOrders: drafts, ...overrides }), sign);
const doce = (dose: [number, string] | undefined = [75, 'mg/m2']) => chemo('docetaxel', dose);
const caba = (dose: [number, string] | undefined = [25, 'mg/m2']) => chemo('cabazitaxel', dose);

const scenarios: [string, () => ReturnType<typeof run>][] = [
  ['docetaxel, bilirubin above the limit', () => run([doce()], { bilirubin: bili(1.5) })],
  ['docetaxel, AST and ALT above 1.5 × with alkaline phosphatase above 2.5 ×', () => run([doce()], { ast: ast(70), alt: alt(65), alp: alp(310) })],
  ['docetaxel, only ALT above 1.5 × with alkaline phosphatase above 2.5 ×', () => run([doce()], { ast: ast(50), alt: alt(65), alp: alp(310) })],
  ['docetaxel, bilirubin missing', () => run([doce()], { bilirubin: NONE })],
  [
    'docetaxel, bilirubin normal, AST without a reported upper limit',
    () => run([doce()], { ast: lab(70, 'U/L', { sources: ['Observation/ast'] }), alp: alp(310) }),
  ],
  ['docetaxel, bilirubin with an upper limit of 0', () => run([doce()], { bilirubin: bili(0.5, { referenceHigh: 0 }) })],
  ['docetaxel, stale liver tests', () => run([doce()], { bilirubin: bili(0.8, { date: daysAgo(12) }), alp: alp(90, { date: daysAgo(12) }) })],
  ['cabazitaxel, bilirubin above 3 × (severe)', () => run([caba()], { bilirubin: bili(3.7) })],
  ['cabazitaxel, bilirubin 1.5–3 × (moderate), dose per m²', () => run([caba()], { bilirubin: bili(2.4) })],
  ['cabazitaxel, bilirubin 1–1.5 × (mild), dose in mg', () => run([caba([50, 'mg'])], { bilirubin: bili(1.5) })],
  ['cabazitaxel, AST above 1.5 × with normal bilirubin (mild), dose "mg / m²"', () => run([caba([25, 'mg / m²'])], { ast: ast(70) })],
  ['cabazitaxel, mild, dose in an odd unit', () => run([caba([2, 'vial'])], { bilirubin: bili(1.5) })],
  ['cabazitaxel, mild, no dose on the draft', () => run([caba(undefined)], { bilirubin: bili(1.5) })],
  [
    'cabazitaxel, mild, dose in mg without a body surface area',
    () => run([caba([50, 'mg'])], { bilirubin: bili(1.5) }, { bsa: { missing: true, reason: 'no height' } }),
  ],
  ['cabazitaxel, mild by AST with bilirubin missing', () => run([caba()], { ast: ast(70), bilirubin: NONE })],
  ['cabazitaxel, bilirubin normal, AST missing', () => run([caba()], { ast: NONE })],
  ['docetaxel and cabazitaxel, one to avoid and one to reduce', () => run([doce(), caba()], { bilirubin: bili(2.4) })],
  ['docetaxel (normal labs) beside a mildly impaired cabazitaxel', () => run([doce(), caba()], { ast: ast(70) })],
  ['cabazitaxel, mild, stale body surface area', () => run([caba([50, 'mg'])], { bilirubin: bili(1.5) }, { bsa: bsa(1.9, { date: daysAgo(30) }) })],
];

describe('hepatic-dose-check: whole recommendations', () => {
  it.each(scenarios)('%s', (_name, scenario) => {
    expect(scenario()).toMatchSnapshot();
  });

  it('normal liver tests → no card', () => {
    expect(run([doce(), caba()])).toBeNull();
  });

  it('an out-of-scope or non-taxane draft → no card', () => {
    expect(run([chemo('docetaxel', [75, 'mg/m2'], { inScope: false }), chemo('etoposide')], { bilirubin: bili(3.7) })).toBeNull();
  });
});
