import { readFileSync } from 'node:fs';
import type { CodeableConcept, Observation, Resource } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import { isKnown } from '../../../src/engine/picture.js';
import { parseKi67Text } from '../../../src/fhir/extract/ki67.js';
import { MITOSES_UNITS } from '../../../src/fhir/extract/mitoses.js';
import { extractObservationFacts, type ObservationFacts } from '../../../src/fhir/extract/observations.js';
import { karnofskyToEcog } from '../../../src/fhir/extract/performance-status.js';
import { ResourceSet } from '../../../src/fhir/resources.js';
import { loadTerminology } from '../../../src/fhir/terminology.js';

const terminology = loadTerminology();
const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';

let counter = 0;

/** An Observation with a LOINC code (or a given CodeableConcept), final, dated. */
function obs(code: string | CodeableConcept, value: Partial<Observation>, extra: Partial<Observation> = {}): Observation {
  counter++;
  return {
    resourceType: 'Observation',
    id: extra.id ?? `o${counter}`,
    status: 'final',
    code: typeof code === 'string' ? { coding: [{ system: LOINC, code }] } : code,
    effectiveDateTime: '2026-11-01',
    ...value,
    ...extra,
  } as Observation;
}

const q = (value: number, unit: string, comparator?: '<' | '>') => ({
  valueQuantity: { value, unit, system: UCUM, code: unit, ...(comparator ? { comparator } : {}) },
});

function extract(...resources: Resource[]): { facts: ObservationFacts; unreadable: string[] } {
  const set = new ResourceSet();
  for (const r of resources) set.add(r);
  const unreadable: string[] = [];
  return { facts: extractObservationFacts(set, terminology, unreadable), unreadable };
}

describe('lab families: matched by code, converted to the canonical unit', () => {
  const cases: [string, (f: ObservationFacts) => unknown, string, number, string, number, string][] = [
    ['PSA', (f) => f.psa[0], '2857-1', 4.2, 'ug/L', 4.2, 'ng/mL'],
    ['testosterone', (f) => f.testosterone, '2986-8', 1.2, 'nmol/L', 34.608, 'ng/dL'],
    ['creatinine (2160-0, µmol/L)', (f) => f.creatinine, '2160-0', 97, 'umol/L', 1.0973, 'mg/dL'],
    ['creatinine (Synthea 38483-4)', (f) => f.creatinine, '38483-4', 1.1, 'mg/dL', 1.1, 'mg/dL'],
    ['creatinine (14682-9, molar)', (f) => f.creatinine, '14682-9', 88.4, 'umol/L', 1, 'mg/dL'],
    ['eGFR (CKD-EPI 2021)', (f) => f.egfr, '98979-8', 58, 'mL/min/{1.73_m2}', 58, 'mL/min/{1.73_m2}'],
    ['eGFR (Synthea 33914-3 in mL/min)', (f) => f.egfr, '33914-3', 58, 'mL/min', 58, 'mL/min/{1.73_m2}'],
    ['ANC', (f) => f.labs.anc, '751-8', 1800, '/uL', 1.8, '10*3/uL'],
    ['platelets', (f) => f.labs.platelets, '777-3', 150, '10*9/L', 150, '10*3/uL'],
    ['hemoglobin', (f) => f.labs.hemoglobin, '718-7', 121, 'g/L', 12.1, 'g/dL'],
    ['WBC', (f) => f.labs.wbc, '6690-2', 4.1, 'K/uL', 4.1, '10*3/uL'],
    ['AST', (f) => f.labs.ast, '1920-8', 30, 'IU/L', 30, 'U/L'],
    ['ALT', (f) => f.labs.alt, '1742-6', 25, 'U/L', 25, 'U/L'],
    ['bilirubin', (f) => f.labs.bilirubin, '1975-2', 20.52, 'umol/L', 1.2, 'mg/dL'],
    ['alkaline phosphatase', (f) => f.labs.alp, '6768-6', 110, 'U/L', 110, 'U/L'],
    ['chromogranin A', (f) => f.markers.chromograninA, '9811-1', 250, 'ug/L', 250, 'ng/mL'],
    ['NSE', (f) => f.markers.nse, '15060-7', 35, 'ng/mL', 35, 'ng/mL'],
    ['weight', (f) => f.weight, '29463-7', 150, '[lb_av]', 68.0389, 'kg'],
    ['height', (f) => f.height, '8302-2', 65, '[in_i]', 165.1, 'cm'],
    ['Ki-67', (f) => f.ki67, '29593-1', 0.35, '1', 35, '%'],
  ];

  it.each(cases)('%s', (_label, pick, code, value, unit, expected, canonical) => {
    const o = obs(code, q(value, unit), { id: 'lab' });
    const fact = pick(extract(o).facts) as { value: number; unit: string; date: string; sources: string[] };
    expect(fact.value).toBeCloseTo(expected, 3);
    expect(fact).toMatchObject({ unit: canonical, date: '2026-11-01', sources: ['Observation/lab'] });
  });

  it('every absent fact is an explicit Missing', () => {
    const { facts } = extract();
    expect(facts.creatinine).toEqual({ missing: true, reason: 'no serum creatinine recorded' });
    expect(facts.labs.anc).toEqual({ missing: true, reason: 'no absolute neutrophil count recorded' });
    expect(facts.ki67).toEqual({ missing: true, reason: 'no Ki-67 recorded' });
    expect(facts.mitoticCount).toEqual({ missing: true, reason: 'no mitotic count recorded' });
    expect(facts.ecog).toEqual({ missing: true, reason: 'no ECOG performance status recorded' });
    expect(facts.diseaseStatus).toEqual({ missing: true, reason: 'no cancer disease status recorded' });
    expect(facts.psa).toEqual([]);
    expect(facts.labs.magnesium).toBeUndefined();
  });

  it('weight and height are plain facts (no reference range)', () => {
    const { facts } = extract(obs('29463-7', { ...q(80, 'kg'), referenceRange: [{ high: { value: 100, unit: 'kg' } }] }, { id: 'w' }));
    expect(facts.weight).toEqual({ value: 80, unit: 'kg', date: '2026-11-01', sources: ['Observation/w'] });
  });
});

describe('Ki-67', () => {
  it.each([
    ['25%', 25, undefined],
    ['20-25%', 25, undefined],
    ['20–25 %', 25, undefined],
    ['20 to 25%', 25, undefined],
    ['<2%', 2, '<'],
    ['< 1 %', 1, '<'],
    ['≤2%', 2, '<='],
    ['>90%', 90, '>'],
    ['Ki-67 approximately 80%', 80, undefined],
    ['15 %', 15, undefined],
    ['Ki67: 30-40%', 40, undefined],
    ['MIB-1 index 5%', 5, undefined],
    ['hot spot 30%, average 15%', 30, undefined],
    ['12% (500 cells counted)', 12, undefined],
    ['Ki-67 10', 10, undefined],
    ['2.5%', 2.5, undefined],
  ])('"%s" → %s', (text, value, comparator) => {
    expect(parseKi67Text(text)).toEqual({ value, ...(comparator ? { comparator } : {}) });
  });

  it.each(['not performed', 'Ki-67', 'see comment', '250%'])('"%s" → not a value', (text) => {
    expect(parseKi67Text(text)).toBeUndefined();
  });

  it('from valueString, valueInteger and valueQuantity', () => {
    expect(extract(obs('29593-1', { valueString: '20-25%' })).facts.ki67).toMatchObject({ value: 25, unit: '%' });
    expect(extract(obs('29593-1', { valueString: '<2%' })).facts.ki67).toMatchObject({ value: 2, unit: '%', comparator: '<' });
    expect(extract(obs('29593-1', { valueInteger: 12 })).facts.ki67).toMatchObject({ value: 12, unit: '%' });
    expect(extract(obs('29593-1', q(35, '%'))).facts.ki67).toMatchObject({ value: 35, unit: '%' });
  });

  it('LOINC 85337-4 (the oestrogen receptor) is not Ki-67, even when its display says so', () => {
    const trap = obs({ coding: [{ system: LOINC, code: '85337-4', display: 'Ki-67 [Interpretation] in Tissue' }], text: 'Ki-67' }, { valueString: '30%' });
    expect(extract(trap).facts.ki67).toEqual({ missing: true, reason: 'no Ki-67 recorded' });
  });

  it('a local code named Ki-67 (no LOINC coding) is read by its name', () => {
    const local = obs({ coding: [{ system: 'urn:lab:local', code: 'KI67', display: 'Ki-67 proliferation index' }] }, { valueString: '40%' });
    expect(extract(local).facts.ki67).toMatchObject({ value: 40 });
  });

  it('a value that is not a percentage, or a text that cannot be read, is Missing', () => {
    expect(extract(obs('29593-1', q(150, '%'))).facts.ki67).toMatchObject({ missing: true, reason: expect.stringContaining('150 % is not a percentage') });
    expect(extract(obs('29593-1', { valueString: 'see comment' })).facts.ki67).toMatchObject({
      missing: true,
      reason: expect.stringContaining('"see comment" could not be read'),
    });
  });
});

describe('mitotic count (no LOINC in the terminology: matched by name)', () => {
  const named = (text: string) => ({ coding: [{ system: 'urn:lab:path', code: 'MIT' }], text });

  it.each([
    ['Mitotic count', q(12, '/2 mm2'), 12, MITOSES_UNITS.per2mm2],
    ['Mitoses per 2 mm²', { valueInteger: 4 }, 4, MITOSES_UNITS.per2mm2],
    ['Mitoses', { valueString: '8 per 10 HPF' }, 8, MITOSES_UNITS.per10Hpf],
    ['Mitotic count (per 10 high-power fields)', { valueInteger: 3 }, 3, MITOSES_UNITS.per10Hpf],
    ['Mitotic rate', q(2, '/mm2'), 2, MITOSES_UNITS.perMm2],
    ['Mitotic count', { valueInteger: 25 }, 25, MITOSES_UNITS.notStated],
    ['Mitotic count', q(7, '{mitoses}'), 7, MITOSES_UNITS.notStated],
  ])('%s %j → %s %s', (text, value, expected, unit) => {
    expect(extract(obs(named(text), value as Partial<Observation>)).facts.mitoticCount).toMatchObject({ value: expected, unit });
  });

  it('a unit that is not a count over an area or fields is Missing, named', () => {
    expect(extract(obs(named('Mitotic count'), q(12, '%'))).facts.mitoticCount).toMatchObject({
      missing: true,
      reason: expect.stringContaining('unknown unit "%"'),
    });
  });

  it('mitotane levels and Nottingham mitotic scores are not mitotic counts', () => {
    expect(
      extract(obs(named('Mitotane level'), q(14, 'mg/L')), obs(named('Mitotic score (Nottingham)'), { valueInteger: 2 })).facts.mitoticCount,
    ).toMatchObject({ missing: true });
  });
});

describe('which value counts', () => {
  it('the latest by effective date wins', () => {
    const { facts } = extract(
      obs('2160-0', q(1.0, 'mg/dL'), { id: 'old', effectiveDateTime: '2026-01-04' }),
      obs('2160-0', q(1.4, 'mg/dL'), { id: 'new', effectiveDateTime: '2026-11-20T08:00:00Z' }),
      obs('2160-0', q(1.2, 'mg/dL'), { id: 'mid', effectiveDateTime: '2026-06-01' }),
    );
    expect(facts.creatinine).toMatchObject({ value: 1.4, date: '2026-11-20T08:00:00Z', sources: ['Observation/new'] });
  });

  it('effectivePeriod.start and effectiveInstant count as dates; issued breaks ties; issued alone dates an Observation', () => {
    const { facts } = extract(
      obs('718-7', q(10, 'g/dL'), { id: 'period', effectiveDateTime: undefined, effectivePeriod: { start: '2026-10-01', end: '2026-10-02' } }),
      obs('718-7', q(11, 'g/dL'), { id: 'instant', effectiveDateTime: undefined, effectiveInstant: '2026-10-05T10:00:00Z' }),
    );
    expect(facts.labs.hemoglobin).toMatchObject({ value: 11, date: '2026-10-05T10:00:00Z' });
    const tie = extract(
      obs('718-7', q(10, 'g/dL'), { id: 'first', issued: '2026-11-01T10:00:00Z' }),
      obs('718-7', q(9, 'g/dL'), { id: 'corrected', issued: '2026-11-01T15:00:00Z' }),
    );
    expect(tie.facts.labs.hemoglobin).toMatchObject({ value: 9, sources: ['Observation/corrected'] });
    const issuedOnly = extract(obs('718-7', q(12, 'g/dL'), { effectiveDateTime: undefined, issued: '2013-04-04T14:34:00+01:00' }));
    expect(issuedOnly.facts.labs.hemoglobin).toMatchObject({ value: 12, date: '2013-04-04T14:34:00+01:00' });
  });

  it('an undated value never outranks a dated one', () => {
    const { facts } = extract(
      obs('718-7', q(8, 'g/dL'), { id: 'undated', effectiveDateTime: undefined }),
      obs('718-7', q(12, 'g/dL'), { id: 'dated', effectiveDateTime: '2020-01-01' }),
    );
    expect(facts.labs.hemoglobin).toMatchObject({ value: 12 });
  });

  it.each(['entered-in-error', 'cancelled', 'preliminary', 'registered', 'unknown'])('a newer %s result is ignored', (status) => {
    const { facts } = extract(
      obs('777-3', q(180, '10*3/uL'), { id: 'final', effectiveDateTime: '2026-11-01' }),
      obs('777-3', q(40, '10*3/uL'), { id: 'ignored', status: status as Observation['status'], effectiveDateTime: '2026-11-10' }),
    );
    expect(facts.labs.platelets).toMatchObject({ value: 180, sources: ['Observation/final'] });
  });

  it('amended and corrected results count', () => {
    expect(extract(obs('777-3', q(90, '10*3/uL'), { status: 'amended' })).facts.labs.platelets).toMatchObject({ value: 90 });
    expect(extract(obs('777-3', q(95, '10*3/uL'), { status: 'corrected' })).facts.labs.platelets).toMatchObject({ value: 95 });
  });

  it('a result without a value (data absent) is not a reading', () => {
    const { facts } = extract(
      obs('2160-0', q(1.1, 'mg/dL'), { id: 'valued', effectiveDateTime: '2026-10-01' }),
      obs('2160-0', { dataAbsentReason: { text: 'hemolysed' } }, { effectiveDateTime: '2026-11-01' }),
    );
    expect(facts.creatinine).toMatchObject({ value: 1.1 });
  });
});

describe('units that cannot be converted', () => {
  it('the latest value in an unknown unit makes the fact Missing, naming the unit and the older value not used', () => {
    const { facts } = extract(
      obs('2160-0', q(1.1, 'mg/dL'), { id: 'old', effectiveDateTime: '2026-01-04' }),
      obs('2160-0', q(3, 'mmol/mol'), { id: 'new', effectiveDateTime: '2026-11-01' }),
    );
    expect(facts.creatinine).toEqual({
      missing: true,
      reason: 'latest serum creatinine (2026-11-01, Observation/new): unknown unit "mmol/mol"; the older value 1.1 mg/dL of 2026-01-04 is not used',
    });
  });

  it('an older value in an unknown unit does not matter when the latest converts', () => {
    const { facts } = extract(
      obs('2160-0', q(3, 'mmol/mol'), { effectiveDateTime: '2026-01-04' }),
      obs('2160-0', q(1.1, 'mg/dL'), { effectiveDateTime: '2026-11-01' }),
    );
    expect(facts.creatinine).toMatchObject({ value: 1.1 });
  });

  it('a value without a unit is Missing (Cerner sends {"value": 189})', () => {
    expect(extract(obs('718-7', { valueQuantity: { value: 12 } })).facts.labs.hemoglobin).toMatchObject({
      missing: true,
      reason: expect.stringContaining('no unit given'),
    });
    expect(extract(obs('718-7', { valueInteger: 12 })).facts.labs.hemoglobin).toMatchObject({
      missing: true,
      reason: expect.stringContaining('value 12 has no unit'),
    });
  });

  it('a number written as text with its unit is read', () => {
    expect(extract(obs('2857-1', { valueString: '<0.1 ng/mL' })).facts.psa).toEqual([expect.objectContaining({ value: 0.1, comparator: '<', unit: 'ng/mL' })]);
  });
});

describe('reference ranges', () => {
  it('the upper limit of normal is converted to the canonical unit', () => {
    const { facts } = extract(
      obs('1975-2', {
        ...q(25.65, 'umol/L'),
        referenceRange: [
          { low: { value: 3.4, unit: 'umol/L', system: UCUM, code: 'umol/L' }, high: { value: 20.52, unit: 'umol/L', system: UCUM, code: 'umol/L' } },
        ],
      }),
      obs('1920-8', { ...q(80, 'U/L'), referenceRange: [{ high: { value: 40, unit: 'U/L' } }] }),
    );
    expect(facts.labs.bilirubin).toMatchObject({ unit: 'mg/dL' });
    expect(isKnown(facts.labs.bilirubin) && facts.labs.bilirubin.value).toBeCloseTo(1.5, 10);
    expect(isKnown(facts.labs.bilirubin) && facts.labs.bilirubin.referenceHigh).toBeCloseTo(1.2, 6);
    expect(isKnown(facts.labs.bilirubin) && facts.labs.bilirubin.referenceLow).toBeCloseTo(0.1988, 4);
    expect(facts.labs.ast).toMatchObject({ value: 80, referenceHigh: 40 });
  });

  it('limits without a unit are in the value unit', () => {
    const { facts } = extract(obs('2160-0', { ...q(122, 'umol/L'), referenceRange: [{ low: { value: 64 }, high: { value: 104 } }] }));
    expect(isKnown(facts.creatinine) && facts.creatinine.referenceHigh).toBeCloseTo(1.1765, 4);
  });

  it('only the normal range is read', () => {
    const { facts } = extract(
      obs('1742-6', {
        ...q(50, 'U/L'),
        referenceRange: [
          {
            type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/referencerange-meaning', code: 'treatment' }] },
            high: { value: 200, unit: 'U/L' },
          },
          { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/referencerange-meaning', code: 'normal' }] }, high: { value: 45, unit: 'U/L' } },
        ],
      }),
    );
    expect(facts.labs.alt).toMatchObject({ referenceHigh: 45 });
  });
});

describe('panels: a value carried by a component', () => {
  it('an eGFR panel without a value reads its components, preferring an exact value over a bound', () => {
    const panel = obs('33914-3', {
      component: [
        { code: { coding: [{ system: LOINC, code: '48643-1' }] }, ...q(60, 'mL/min/{1.73_m2}', '>') },
        { code: { coding: [{ system: LOINC, code: '48642-3' }] }, ...q(52, 'mL/min/{1.73_m2}') },
      ],
    });
    expect(extract(panel).facts.egfr).toMatchObject({ value: 52, unit: 'mL/min/{1.73_m2}' });
  });

  it('a CBC panel coded as a panel gives each count from its components', () => {
    const cbc = obs('58410-2', {
      component: [
        { code: { coding: [{ system: LOINC, code: '777-3' }] }, ...q(210, '10*3/uL') },
        { code: { coding: [{ system: LOINC, code: '751-8' }] }, ...q(2.1, '10*9/L') },
      ],
    });
    const { facts } = extract(cbc);
    expect(facts.labs.platelets).toMatchObject({ value: 210 });
    expect(facts.labs.anc).toMatchObject({ value: 2.1 });
  });
});

describe('PSA series', () => {
  it('all values, newest first, in ng/mL, with comparators kept', () => {
    const { facts } = extract(
      obs('2857-1', q(2.1, 'ng/mL'), { id: 'a', effectiveDateTime: '2026-03-01' }),
      obs('2857-1', q(8.4, 'ng/mL'), { id: 'c', effectiveDateTime: '2026-10-01' }),
      obs('35741-8', q(0.01, 'ng/mL', '<'), { id: 'u', effectiveDateTime: '2025-12-01' }),
      obs('2857-1', q(4.0, 'ug/L'), { id: 'b', effectiveDateTime: '2026-06-01' }),
    );
    expect(facts.psa.map((p) => [p.value, p.date, p.sources[0], p.comparator])).toEqual([
      [8.4, '2026-10-01', 'Observation/c', undefined],
      [4.0, '2026-06-01', 'Observation/b', undefined],
      [2.1, '2026-03-01', 'Observation/a', undefined],
      [0.01, '2025-12-01', 'Observation/u', '<'],
    ]);
  });

  it('a PSA in a unit that cannot be converted is left out and reported; free PSA is not PSA', () => {
    const { facts, unreadable } = extract(
      obs('2857-1', q(3, 'ng/mL'), { id: 'ok' }),
      obs('19195-7', q(3, '[iU]/mL'), { id: 'units', effectiveDateTime: '2026-11-02' }),
      obs('10886-0', q(0.5, 'ng/mL'), { id: 'free' }),
    );
    expect(facts.psa.map((p) => p.sources[0])).toEqual(['Observation/ok']);
    expect(unreadable).toEqual(['Observation/units: PSA of 2026-11-02 not used: unknown unit "[iU]/mL"']);
  });
});

describe('ECOG', () => {
  it.each([
    ['LA9622-7', 0],
    ['LA9623-5', 1],
    ['LA9624-3', 2],
    ['LA9625-0', 3],
    ['LA9626-8', 4],
    ['LA9627-6', 5],
  ])('LOINC answer %s → %s', (answer, score) => {
    expect(extract(obs('89247-1', { valueCodeableConcept: { coding: [{ system: LOINC, code: answer }] } })).facts.ecog).toMatchObject({ value: score });
  });

  it('from valueInteger, valueQuantity, a short text, or the interpretation answer', () => {
    expect(extract(obs('89247-1', { valueInteger: 2 })).facts.ecog).toMatchObject({ value: 2 });
    expect(extract(obs('89247-1', { valueQuantity: { value: 1, unit: '{score}' } })).facts.ecog).toMatchObject({ value: 1 });
    expect(extract(obs('89247-1', { valueString: 'ECOG 3' })).facts.ecog).toMatchObject({ value: 3 });
    expect(extract(obs('89247-1', { interpretation: [{ coding: [{ system: LOINC, code: 'LA9624-3' }] }] })).facts.ecog).toMatchObject({ value: 2 });
  });

  it('a score outside 0–5 is Missing', () => {
    expect(extract(obs('89247-1', { valueInteger: 7 })).facts.ecog).toMatchObject({
      missing: true,
      reason: expect.stringContaining('ECOG 7 is not a score 0–5'),
    });
  });

  it.each([
    [100, 0],
    [90, 0],
    [80, 1],
    [70, 1],
    [60, 2],
    [50, 2],
    [40, 3],
    [30, 3],
    [20, 4],
    [10, 4],
    [0, 5],
  ])('Karnofsky %s → ECOG %s', (kps, ecog) => {
    expect(karnofskyToEcog(kps)).toBe(ecog);
  });

  it('Karnofsky is mapped only when no ECOG is recorded, and says so', () => {
    expect(extract(obs('89243-0', { valueInteger: 60 }, { id: 'kps' })).facts.ecog).toEqual({
      value: 2,
      unit: 'ECOG mapped from Karnofsky 60 %',
      date: '2026-11-01',
      sources: ['Observation/kps'],
    });
    const both = extract(
      obs('89247-1', { valueInteger: 1 }, { effectiveDateTime: '2026-01-01' }),
      obs('89243-0', { valueInteger: 40 }, { effectiveDateTime: '2026-11-01' }),
    );
    expect(both.facts.ecog).toMatchObject({ value: 1 });
    expect(both.facts.ecog).not.toHaveProperty('unit');
  });
});

describe('cancer disease status (97509-4)', () => {
  const SNOMED = 'http://snomed.info/sct';
  it.each([
    ['268910001', 'responding'],
    ['359746009', 'stable'],
    ['271299001', 'progressing'],
    ['709137006', 'unknown'],
    ['550991000124107', 'responding'],
    ['551001000124108', 'responding'],
    ['103338009', 'responding'],
    ['103337004', 'responding'],
    ['399409002', 'progressing'],
  ])('SNOMED %s → %s', (code, status) => {
    expect(extract(obs('97509-4', { valueCodeableConcept: { coding: [{ system: SNOMED, code }] } })).facts.diseaseStatus).toMatchObject({ value: status });
  });

  it('the latest status wins; an unknown code is Missing, named', () => {
    const { facts } = extract(
      obs('97509-4', { valueCodeableConcept: { coding: [{ system: SNOMED, code: '359746009' }] } }, { effectiveDateTime: '2026-05-01' }),
      obs('97509-4', { valueCodeableConcept: { coding: [{ system: SNOMED, code: '271299001' }] } }, { effectiveDateTime: '2026-10-01' }),
    );
    expect(facts.diseaseStatus).toMatchObject({ value: 'progressing', date: '2026-10-01' });
    const odd = extract(obs('97509-4', { valueCodeableConcept: { coding: [{ system: SNOMED, code: '12345' }], text: 'Mixed response' } }));
    expect(odd.facts.diseaseStatus).toMatchObject({ missing: true, reason: expect.stringContaining('status "Mixed response" is not one the service knows') });
  });
});

describe('creatinine by name when the lab sends only a local code', () => {
  const local = (display: string) => ({ coding: [{ system: 'https://intranet.example/labtestcodes', code: '20005', display }] });

  it('serum creatinine in µmol/L with a SNOMED-coded unit', () => {
    const o = obs(local('Creatinine(Serum)'), { valueQuantity: { value: 122, unit: 'umol/L', system: 'http://snomed.info/sct', code: '258814008' } });
    expect(extract(o).facts.creatinine).toMatchObject({ unit: 'mg/dL' });
  });

  it('urine creatinine and creatinine clearance are not serum creatinine', () => {
    expect(extract(obs(local('Creatinine, urine'), q(8000, 'umol/L')), obs(local('Creatinine clearance'), q(80, 'mL/min'))).facts.creatinine).toMatchObject({
      missing: true,
    });
  });
});

describe('malformed resources', () => {
  it('are skipped without failing the others', () => {
    const broken = [
      { resourceType: 'Observation', id: 'b1', status: 'final', code: 'creatinine', valueQuantity: 'x' },
      { resourceType: 'Observation', id: 'b2', status: 'final', code: { coding: 'nope' }, component: 5 },
      {
        resourceType: 'Observation',
        id: 'b3',
        status: 'final',
        code: { coding: [null, { system: LOINC, code: '2160-0' }] },
        valueQuantity: { value: '1.1', unit: 'mg/dL' },
      },
      {
        resourceType: 'Observation',
        id: 'b4',
        status: 'final',
        code: { coding: [{ system: LOINC, code: '2160-0' }] },
        valueQuantity: { value: 1.1, unit: 'mg/dL' },
        referenceRange: 'high',
        effectiveDateTime: 42,
      },
    ] as unknown as Resource[];
    // A numeric code system matches nothing (it does not throw): the Observation is simply not a creatinine.
    const oddSystem = { resourceType: 'Observation', id: 'b5', status: 'final', code: { coding: [{ system: 42, code: '2160-0' }] } } as unknown as Resource;
    const { facts, unreadable } = extract(...broken, oddSystem, obs('718-7', q(12, 'g/dL')));
    expect(unreadable).toEqual([]);
    expect(facts.labs.hemoglobin).toMatchObject({ value: 12 });
    expect(facts.creatinine).toMatchObject({ value: 1.1, sources: ['Observation/b4'] });
    expect(facts.creatinine).not.toHaveProperty('date');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Real data, as published (../shared/external-fhir/README.md describes each file).

const external = new URL('../../../../shared/external-fhir/', import.meta.url);

function fromFiles(...paths: string[]) {
  const set = new ResourceSet();
  for (const path of paths) set.add(JSON.parse(readFileSync(new URL(path, external), 'utf8')) as Resource);
  const unreadable: string[] = [];
  return { facts: extractObservationFacts(set, terminology, unreadable), unreadable };
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

describe('real data: external-fhir', () => {
  it('Synthea Ali Herman: 8 PSA values (2857-1, ng/mL), newest first, with their dates', () => {
    const { facts } = fromFiles('synthea-smart-r4/Ali_Herman_75c71918-f07f-4492-af1a-ce006a1e8aaf.json');
    expect(facts.psa.map((p) => [round(p.value), p.date?.slice(0, 10)])).toEqual([
      [4.53, '2020-06-08'],
      [0.54, '2019-06-09'],
      [2.94, '2018-05-28'],
      [1.98, '2017-05-28'],
      [2.69, '2016-02-29'],
      [0.85, '2015-03-01'],
      [7.2, '2014-02-17'],
      [2.99, '2013-02-17'],
    ]);
    expect(facts.psa.every((p) => p.unit === 'ng/mL' && p.sources[0]?.startsWith('Observation/'))).toBe(true);
  });

  it('Synthea Sherman McGlynn: creatinine 38483-4, latest 2.77 mg/dL (not the older 3.50); PSA 5.56; eGFR 33914-3 in mL/min', () => {
    const { facts } = fromFiles('synthea-smart-r4/Sherman_McGlynn_8ef2ef98-48c5-427e-80d4-5e8f30ac8bf5.json');
    expect(isKnown(facts.creatinine) && [round(facts.creatinine.value), facts.creatinine.unit, facts.creatinine.date]).toEqual([
      2.77,
      'mg/dL',
      '2003-04-07T06:01:37+00:00',
    ]);
    expect(facts.psa.map((p) => [round(p.value), p.date])).toEqual([[5.56, '2003-01-07T06:01:37+00:00']]);
    expect(isKnown(facts.egfr) && [round(facts.egfr.value, 1), facts.egfr.unit]).toEqual([19.2, 'mL/min/{1.73_m2}']);
    expect(isKnown(facts.weight) && [round(facts.weight.value, 1), facts.weight.unit]).toEqual([96.7, 'kg']);
    expect(isKnown(facts.height) && [round(facts.height.value, 1), facts.height.unit]).toEqual([187.4, 'cm']);
  });

  type Row = [file: string, pick: (f: ObservationFacts) => unknown, expected: unknown];
  const value = (fact: unknown) =>
    fact && typeof fact === 'object' && 'value' in fact
      ? [typeof fact.value === 'number' ? round(fact.value, 3) : fact.value, (fact as { unit?: string }).unit]
      : fact;
  const rows: Row[] = [
    // Local code only, µmol/L with a SNOMED unit code, reference range without units, dated by `issued`.
    ['fhir-r4-core-examples/Observation-f204.json', (f) => value(f.creatinine), [1.38, 'mg/dL']],
    [
      'fhir-r4-core-examples/Observation-f204.json',
      (f) => isKnown(f.creatinine) && [round(f.creatinine.referenceHigh!, 3), f.creatinine.date],
      [1.176, '2013-04-04T14:34:00+01:00'],
    ],
    // eGFR on components only: the exact race-free value, not "> 60".
    ['fhir-r4-core-examples/Observation-f205.json', (f) => isKnown(f.egfr) && [f.egfr.value, f.egfr.comparator], [60, undefined]],
    ['us-core-9.0.0/observation-serum-creatinine.json', (f) => isKnown(f.creatinine) && [f.creatinine.value, f.creatinine.referenceHigh], [1, 0.6]],
    ['us-core-9.0.0/observation-cbc-platelets.json', (f) => value(f.labs.platelets), [200, '10*3/uL']],
    ['us-core-9.0.0/observation-cbc-leukocytes.json', (f) => value(f.labs.wbc), [10, '10*3/uL']],
    ['us-core-9.0.0/observation-cbc-hemoglobin.json', (f) => value(f.labs.hemoglobin), [17, 'g/dL']],
    ['mcode-stu4/Observation-lab-result-observation-hemoglobin.json', (f) => value(f.labs.hemoglobin), [13.5, 'g/dL']],
    ['mcode-stu4/Observation-bodyweight-jenny-m-2018-04-22.json', (f) => value(f.weight), [68.039, 'kg']],
    ['mcode-stu4/Observation-bodyheight-jenny-m-2018-03-06.json', (f) => value(f.height), [165.1, 'cm']],
    ['mcode-stu4/Observation-ecog-performance-status-fully-active.json', (f) => value(f.ecog), [0, undefined]],
    ['mcode-stu4/Observation-karnofsky-performance-status-normal-activity.json', (f) => value(f.ecog), [0, 'ECOG mapped from Karnofsky 90 %']],
    ['mcode-stu4/Observation-cancer-disease-status-improved.json', (f) => value(f.diseaseStatus), ['responding', undefined]],
    [
      'mcode-stu4/Observation-hemoglobin-brian-l.json',
      (f) => isKnown(f.labs.hemoglobin) && [f.labs.hemoglobin.value, f.labs.hemoglobin.referenceHigh],
      [6.7, 16.5],
    ],
    // Hb in g/L, counts in x10*9/L, no dates at all.
    [
      'fhir-r4-core-examples/Bundle-101.json',
      (f) => [value(f.labs.hemoglobin), value(f.labs.anc), value(f.labs.platelets)],
      [
        [17.6, 'g/dL'],
        [0.9, '10*3/uL'],
        [444, '10*3/uL'],
      ],
    ],
    // "K/ul" as unit text, no code.
    [
      'fhir-r4-core-examples/Bundle-report.json',
      (f) => [value(f.labs.wbc), value(f.labs.platelets)],
      [
        [31.9, '10*3/uL'],
        [84, '10*3/uL'],
      ],
    ],
    // Cerner: the hemoglobin is entered-in-error (and, in the patient bundle, preliminary without a value).
    ['cerner-millennium-r4-docs/r4-observation-entered-in-error-status.json', (f) => f.labs.hemoglobin, { missing: true, reason: 'no hemoglobin recorded' }],
    ['cerner-millennium-r4-docs/r4-observation-patient-bundle.json', (f) => f.labs.hemoglobin, { missing: true, reason: 'no hemoglobin recorded' }],
    // Cerner/Epic general-medicine bundles: glucose without unit, social history, vitals: none of our facts.
    [
      'cerner-millennium-r4-docs/r4-observation-bundle.json',
      (f) => [f.creatinine, f.labs.hemoglobin, f.psa],
      [{ missing: true, reason: 'no serum creatinine recorded' }, { missing: true, reason: 'no hemoglobin recorded' }, []],
    ],
    [
      'ronin-interop-ehr-epic-cerner/epic-ExampleObservationBundle.json',
      (f) => [f.ki67, f.ecog],
      [
        { missing: true, reason: 'no Ki-67 recorded' },
        { missing: true, reason: 'no ECOG performance status recorded' },
      ],
    ],
    // The oestrogen receptor (85337-4) is not Ki-67.
    ['mcode-stu4/Observation-tumor-marker-test-er-jenny-m.json', (f) => f.ki67, { missing: true, reason: 'no Ki-67 recorded' }],
  ];

  it.each(rows)('%s', (file, pick, expected) => {
    const { facts, unreadable } = fromFiles(file);
    expect(pick(facts)).toEqual(expected);
    expect(unreadable).toEqual([]);
  });

  it('mCODE Jenny M bundle: weight in lb, ECOG, disease status, ANC as published (3000 10*3/uL, not corrected)', () => {
    const { facts } = fromFiles('mcode-stu4/Bundle-mcode-patient-bundle-jenny-m.json');
    expect(value(facts.weight)).toEqual([70.307, 'kg']);
    expect(facts.ecog).toMatchObject({ value: 0, date: '2018-04-12' });
    expect(facts.diseaseStatus).toMatchObject({ value: 'responding', date: '2018-11-01' });
    expect(facts.labs.anc).toMatchObject({ value: 3000, unit: '10*3/uL', referenceHigh: 5000 });
  });
});
