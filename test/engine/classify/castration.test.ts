import { describe, expect, it } from 'vitest';
import { classifyCastration, pcwg3PsaProgression } from '../../../src/engine/classify/castration.js';
import type { LabFact } from '../../../src/engine/picture.js';
import { NONE, therapy } from '../builders.js';

const psa = (date: string, value: number): LabFact => ({ value, unit: 'ng/mL', date, sources: [`Observation/psa-${date}`] });
const adt = [therapy('leuprolide', { date: '2025-01-01' })];

describe('pcwg3PsaProgression', () => {
  it('nadir 1.0, rise to 3.0 (+2, +200 %), confirmed 3 weeks later → progression', () => {
    const result = pcwg3PsaProgression([psa('2025-03-01', 4), psa('2025-06-01', 1), psa('2025-09-01', 3), psa('2025-09-22', 3.5)], Date.parse('2025-01-01'));
    expect(result).toMatchObject({ nadir: { value: 1 }, rise: { value: 3 }, confirm: { value: 3.5 } });
  });

  it('a rise of 2 ng/mL that is under 25 % (nadir 10 → 12) is not progression; 12.5 is', () => {
    const since = Date.parse('2025-01-01');
    expect(pcwg3PsaProgression([psa('2025-02-01', 10), psa('2025-04-01', 12.4), psa('2025-05-01', 12.4)], since)).toBeUndefined();
    expect(pcwg3PsaProgression([psa('2025-02-01', 10), psa('2025-04-01', 12.5), psa('2025-05-01', 12.5)], since)).toBeDefined();
  });

  it('a rise of 25 % that is under 2 ng/mL (nadir 1 → 2.9) is not progression; 3.0 is', () => {
    const since = Date.parse('2025-01-01');
    expect(pcwg3PsaProgression([psa('2025-02-01', 1), psa('2025-04-01', 2.9), psa('2025-05-01', 2.9)], since)).toBeUndefined();
    expect(pcwg3PsaProgression([psa('2025-02-01', 1), psa('2025-04-01', 3), psa('2025-05-01', 3)], since)).toBeDefined();
  });

  it('confirmation must come ≥ 21 days later: 20 days is not enough', () => {
    const since = Date.parse('2025-01-01');
    expect(pcwg3PsaProgression([psa('2025-02-01', 1), psa('2025-04-01', 4), psa('2025-04-21', 4)], since)).toBeUndefined();
    expect(pcwg3PsaProgression([psa('2025-02-01', 1), psa('2025-04-01', 4), psa('2025-04-22', 4)], since)).toBeDefined();
  });

  it('an unconfirmed rise (the next value falls back) is not progression', () => {
    expect(pcwg3PsaProgression([psa('2025-02-01', 1), psa('2025-04-01', 4), psa('2025-05-01', 1.5)], Date.parse('2025-01-01'))).toBeUndefined();
  });

  it('values before androgen deprivation do not count', () => {
    expect(pcwg3PsaProgression([psa('2024-01-01', 1), psa('2024-04-01', 9), psa('2024-06-01', 12)], Date.parse('2025-01-01'))).toBeUndefined();
  });
});

describe('classifyCastration', () => {
  const rising = [psa('2025-03-01', 2), psa('2025-06-01', 0.8), psa('2025-09-01', 3.2), psa('2025-10-15', 5.1)];

  it('a coded hormone-resistant status decides, whatever the PSA', () => {
    const result = classifyCastration({
      codedStatus: { value: true, display: 'Hormone resistant malignancy status', date: '2025-02-10', sources: ['Condition/z192'] },
      psa: [],
      testosterone: NONE,
      adt: [],
    });
    expect(result).toMatchObject({ value: true, basis: 'recorded: Hormone resistant malignancy status', sources: ['Condition/z192'] });
  });

  it('PCWG3 progression on ADT → castration-resistant, citing nadir, rise and confirmation', () => {
    const result = classifyCastration({ psa: rising, testosterone: NONE, adt });
    expect(result).toMatchObject({ value: true, date: '2025-10-15' });
    expect('basis' in result && result.basis).toContain('nadir 0.8 ng/mL');
  });

  it('testosterone not at castrate level (≥ 50 ng/dL) → cannot call it castration-resistant', () => {
    const result = classifyCastration({ psa: rising, testosterone: { value: 50, unit: 'ng/dL', date: '2025-10-15', sources: ['Observation/t'] }, adt });
    expect(result).toMatchObject({ missing: true });
  });

  it('testosterone 49 ng/dL is castrate', () => {
    expect(classifyCastration({ psa: rising, testosterone: { value: 49, unit: 'ng/dL', sources: ['Observation/t'] }, adt })).toMatchObject({ value: true });
  });

  it('bilateral orchiectomy counts as castration', () => {
    expect(classifyCastration({ psa: rising, testosterone: NONE, adt: [], orchiectomy: { value: '2025-01-01', sources: ['Procedure/orx'] } })).toMatchObject({
      value: true,
    });
  });

  it('radiographic progression on ADT → castration-resistant', () => {
    const result = classifyCastration({
      psa: [psa('2025-03-01', 1), psa('2025-06-01', 0.9)],
      testosterone: NONE,
      adt,
      progression: { value: 'progressing', date: '2025-08-01', sources: ['Observation/ds'] },
    });
    expect(result).toMatchObject({ value: true });
  });

  it('no ADT → Missing (not "hormone-sensitive")', () => {
    expect(classifyCastration({ psa: rising, testosterone: NONE, adt: [] })).toMatchObject({ missing: true });
  });

  it('on ADT with a falling PSA → not castration-resistant', () => {
    expect(classifyCastration({ psa: [psa('2025-03-01', 4), psa('2025-06-01', 1)], testosterone: NONE, adt })).toMatchObject({ value: false });
  });

  it('on ADT with one PSA value → Missing (cannot be assessed)', () => {
    expect(classifyCastration({ psa: [psa('2025-03-01', 4)], testosterone: NONE, adt })).toMatchObject({ missing: true });
  });
});
