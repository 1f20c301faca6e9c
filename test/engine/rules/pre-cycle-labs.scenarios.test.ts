import { describe, expect, it } from 'vitest';
import type { DraftOrder, DrugClass, LabFact, PatientPicture } from '../../../src/engine/picture.js';
import { preCycleLabs } from '../../../src/engine/rules/pre-cycle-labs.js';
import { ctx } from '../builders.js';
import { chemo, daysAgo, dosingPicture, lab, liverMetastasis, normalLabs } from './dosing-builders.js';

/** Near misses and whole outputs of pre-cycle-labs: which drafts it checks, how bounds compare, what the card says. */

type Labs = Partial<PatientPicture['labs']>;
const sign = ctx('order-sign');
const run = (drafts: DraftOrder[], labs: Labs = {}, overrides: Partial<PatientPicture> = {}) =>
  preCycleLabs.evaluate(dosingPicture({ labs: { ...normalLabs(), ...labs }, draftOrders: drafts, ...overrides }), sign);
const lowAnc = { anc: lab(1.2, '10*3/uL', { sources: ['Observation/anc'] }) };
const anc = (value: number, overrides: Partial<LabFact> = {}) => ({ anc: lab(value, '10*3/uL', { sources: ['Observation/anc'], ...overrides }) });

describe('pre-cycle-labs: which drafts it checks', () => {
  it.each([
    'cisplatin',
    'carboplatin',
    'etoposide',
    'docetaxel',
    'cabazitaxel',
    'topotecan',
    'irinotecan',
    'oxaliplatin',
    'fluorouracil',
    'capecitabine',
    'temozolomide',
    'lurbinectedin',
    'radium-223',
  ])('%s, by concept alone (no class), is checked', (drug) => {
    expect(run([chemo(drug, undefined, { classes: [] })], lowAnc)?.values.drug).toBe(drug);
  });

  it.each(['PLATINUM', 'ETOPOSIDE', 'TAXANE', 'RADIUM'] as DrugClass[])('an unnamed draft of class %s is checked', (cls) => {
    expect(run([chemo('x', undefined, { drug: undefined, asRecorded: 'Investigational cytotoxic', classes: [cls] })], lowAnc)?.values.drug).toBe(
      'Investigational cytotoxic',
    );
  });

  it.each([
    ['an ADT draft', chemo('leuprolide')],
    ['an unnamed draft of another class', chemo('x', undefined, { drug: undefined, classes: ['ADT'] })],
    ['a cytotoxic draft out of scope', chemo('carboplatin', undefined, { inScope: false })],
  ])('%s is not checked', (_what, draft) => {
    expect(run([draft], lowAnc)).toBeNull();
  });
});

describe('pre-cycle-labs: bounds and units', () => {
  it.each([
    ['<=', 1.5, 'warning'],
    ['<', 1.6, null],
    ['<=', 1.0, 'critical'],
    ['>', 0.5, null],
    ['>=', 0.5, null],
  ] as const)('neutrophils %s %s → %s', (comparator, value, indicator) => {
    expect(run([chemo('carboplatin')], anc(value, { comparator }))?.indicator ?? null).toBe(indicator);
  });

  it('counts in 10*9/L are compared like 10*3/uL', () => {
    expect(run([chemo('carboplatin')], { anc: lab(0.8, '10*9/L') })?.indicator).toBe('critical');
  });

  it('a count in another unit is not compared: the blood count is asked for, naming the unit', () => {
    const rec = run([chemo('carboplatin')], { platelets: lab(40, '/uL', { sources: ['Observation/plt'] }) });
    expect(rec?.variant).toBe('missing');
    expect(rec?.values.findings).toContain('platelets 40 /uL: unit not ×10⁹/L, not compared');
    expect(rec?.facts).toContainEqual(expect.objectContaining({ label: 'Platelets', value: '40 /uL' }));
  });

  it('an undated low count is of unknown age: not compared, the blood count is asked for again', () => {
    const rec = run([chemo('carboplatin')], anc(1.2, { date: undefined }));
    expect(rec?.variant).toBe('missing');
    expect(rec?.values.findings).toContain('neutrophils 1.2 10*3/uL (date not recorded)');
    expect(rec?.facts.find((f) => f.label === 'Absolute neutrophil count')).not.toHaveProperty('date');
  });
});

describe('pre-cycle-labs: whole recommendations', () => {
  it('critical counts with a "<" bound, two drugs', () => {
    expect(
      run([chemo('carboplatin', [550, 'mg']), chemo('etoposide', [100, 'mg/m2'])], { ...anc(0.5, { comparator: '<' }), platelets: lab(45, '10*3/uL') }),
    ).toMatchSnapshot();
  });

  it('cisplatin with stale creatinine, stale magnesium and no potassium in the data', () => {
    const rec = run(
      [chemo('cisplatin', [150, 'mg'])],
      { magnesium: lab(1.9, 'mg/dL', { date: daysAgo(20), sources: ['Observation/mg'] }) },
      {
        renal: { ...dosingPicture().renal, creatinine: lab(1.0, 'mg/dL', { date: daysAgo(9), sources: ['Observation/creatinine'] }) },
      },
    );
    expect(rec).toMatchSnapshot();
  });

  it('cisplatin with current magnesium and potassium: nothing to say', () => {
    expect(run([chemo('cisplatin')], { magnesium: lab(2, 'mg/dL'), potassium: lab(4.1, 'mmol/L') })).toBeNull();
  });

  it('two taxanes with missing liver tests', () => {
    const rec = run([chemo('docetaxel'), chemo('cabazitaxel')], {
      ast: { missing: true, reason: 'not recorded' },
      bilirubin: lab(0.9, 'mg/dL', { date: daysAgo(30) }),
    });
    expect(rec).toMatchSnapshot();
  });

  it('etoposide with liver metastases and a missing ALT; missing blood count', () => {
    const rec = run(
      [chemo('etoposide')],
      { alt: { missing: true, reason: 'not recorded' }, anc: { missing: true, reason: 'not recorded' } },
      { metastases: [liverMetastasis()] },
    );
    expect(rec).toMatchSnapshot();
  });

  it('etoposide with a missing ALT but no liver metastases: liver tests not needed', () => {
    expect(run([chemo('etoposide')], { alt: { missing: true, reason: 'not recorded' } }, { metastases: [{ ...liverMetastasis(), site: 'bone' }] })).toBeNull();
  });
});
