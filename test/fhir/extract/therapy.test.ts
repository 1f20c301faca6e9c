import { readFileSync } from 'node:fs';
import type { Bundle, Dosage, Medication, MedicationAdministration, MedicationRequest, MedicationStatement, Resource } from 'fhir/r4.js';
import { describe, expect, it } from 'vitest';
import type { Therapy } from '../../../src/engine/picture.js';
import { depotWindow, strengthMg } from '../../../src/fhir/extract/depot.js';
import { routeOf } from '../../../src/fhir/extract/dosage.js';
import { extractTherapies } from '../../../src/fhir/extract/therapy.js';
import { ResourceSet } from '../../../src/fhir/resources.js';
import { loadTerminology } from '../../../src/fhir/terminology.js';

const terminology = loadTerminology();
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const NOW = new Date('2026-11-23T09:00:00Z');
const OPTS = { now: NOW, depotGraceDays: 14 };
const external = new URL('../../../../shared/external-fhir/', import.meta.url);

function setOf(...values: (Resource | Bundle)[]): ResourceSet {
  const set = new ResourceSet();
  for (const v of values) set.add(v);
  return set;
}

function therapies(values: (Resource | Bundle)[], opts = OPTS): { therapies: Therapy[]; unreadable: string[] } {
  const unreadable: string[] = [];
  return { therapies: extractTherapies(setOf(...values), terminology, unreadable, opts), unreadable };
}

function only(values: (Resource | Bundle)[], opts = OPTS): Therapy {
  const { therapies: list, unreadable } = therapies(values, opts);
  expect(unreadable).toEqual([]);
  expect(list).toHaveLength(1);
  return list[0]!;
}

function readExternal<T = Resource>(path: string): T {
  return JSON.parse(readFileSync(new URL(path, external), 'utf8')) as T;
}

/** The date `days` days before NOW (UTC day). */
function daysBefore(days: number): string {
  return new Date(Date.UTC(2026, 10, 23) - days * 86_400_000).toISOString().slice(0, 10);
}

const cc = (text: string, code?: string) => ({ text, ...(code ? { coding: [{ system: RXNORM, code, display: text }] } : {}) });

function request(
  id: string,
  status: MedicationRequest['status'],
  medication: MedicationRequest['medicationCodeableConcept'],
  extra: Partial<MedicationRequest> = {},
): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id,
    status,
    intent: 'order',
    subject: { reference: 'Patient/p' },
    medicationCodeableConcept: medication,
    authoredOn: '2026-06-01',
    ...extra,
  };
}

function statement(id: string, status: MedicationStatement['status'], extra: Partial<MedicationStatement> = {}): MedicationStatement {
  return {
    resourceType: 'MedicationStatement',
    id,
    status,
    subject: { reference: 'Patient/p' },
    medicationCodeableConcept: cc('enzalutamide 40 MG Oral Capsule'),
    ...extra,
  };
}

function administration(id: string, medication: string, given: string, extra: Partial<MedicationAdministration> = {}): MedicationAdministration {
  return {
    resourceType: 'MedicationAdministration',
    id,
    status: 'completed',
    subject: { reference: 'Patient/p' },
    medicationCodeableConcept: cc(medication),
    effectiveDateTime: given,
    ...extra,
  };
}

describe('extractTherapies: statuses per resource type', () => {
  it.each([
    ['active', 'current'],
    ['on-hold', 'current'],
    ['completed', 'past'],
    ['stopped', 'past'],
    ['draft', null],
    ['cancelled', null],
    ['entered-in-error', null],
    ['unknown', null],
  ] as const)('MedicationRequest %s → %s', (status, expected) => {
    const list = therapies([request('r', status, cc('abiraterone 250 MG Oral Tablet'))]).therapies;
    expect(list.map((t) => t.status)).toEqual(expected ? [expected] : []);
    if (expected)
      expect(list[0]).toMatchObject({
        drug: 'abiraterone',
        classes: ['ARPI'],
        kind: 'request',
        ref: 'MedicationRequest/r',
        sources: ['MedicationRequest/r'],
        date: '2026-06-01',
      });
  });

  it.each(['proposal', 'plan'] as const)('a MedicationRequest with intent %s is not therapy', (intent) => {
    expect(therapies([request('r', 'active', cc('abiraterone'), { intent })]).therapies).toEqual([]);
  });

  it('a past request says when it was last valid: timing event, bounds end or validity end, else authoredOn', () => {
    const withEvent = request('a', 'completed', cc('cisplatin'), { dosageInstruction: [{ timing: { event: ['2026-06-15', '2026-07-06'] } }] });
    const withValidity = request('b', 'stopped', cc('cisplatin'), { dispenseRequest: { validityPeriod: { start: '2026-06-01', end: '2026-08-01' } } });
    const bare = request('c', 'completed', cc('cisplatin'));
    expect(therapies([withEvent, withValidity, bare]).therapies.map((t) => t.lastDate)).toEqual(['2026-07-06', '2026-08-01', '2026-06-01']);
  });

  it.each([
    ['active', 'current'],
    ['intended', 'current'],
    ['on-hold', 'current'],
    ['completed', 'past'],
    ['stopped', 'past'],
    ['not-taken', null],
    ['entered-in-error', null],
    ['unknown', null],
  ] as const)('MedicationStatement %s → %s', (status, expected) => {
    const list = therapies([statement('s', status, { effectiveDateTime: '2026-05-01' })]).therapies;
    expect(list.map((t) => t.status)).toEqual(expected ? [expected] : []);
    if (expected) expect(list[0]).toMatchObject({ drug: 'enzalutamide', kind: 'statement', date: '2026-05-01', route: 'oral' });
  });

  it('a MedicationStatement whose effective period ended before the hook call is past, whatever its status', () => {
    const ended = statement('s1', 'active', { effectivePeriod: { start: '2025-01-01', end: '2026-03-31' } });
    const ongoing = statement('s2', 'active', { effectivePeriod: { start: '2025-01-01', end: '2027-03-31' } });
    expect(therapies([ended, ongoing]).therapies.map((t) => [t.ref, t.status, t.lastDate])).toEqual([
      ['MedicationStatement/s1', 'past', '2026-03-31'],
      ['MedicationStatement/s2', 'current', undefined],
    ]);
  });

  it('a statement that says the drug was not taken (STU3-style wasNotTaken) is ignored', () => {
    expect(therapies([{ ...statement('s', 'active'), wasNotTaken: true } as MedicationStatement]).therapies).toEqual([]);
  });

  it.each([
    ['completed', 'past'],
    ['in-progress', 'current'],
    ['not-done', null],
    ['on-hold', null],
    ['stopped', null],
    ['entered-in-error', null],
    ['unknown', null],
  ] as const)('MedicationAdministration (not a depot) %s → %s', (status, expected) => {
    const list = therapies([administration('a', 'cisplatin 1 MG/ML Injectable Solution', '2026-11-01', { status })]).therapies;
    expect(list.map((t) => t.status)).toEqual(expected ? [expected] : []);
    if (expected) expect(list[0]).toMatchObject({ drug: 'cisplatin', kind: 'administration', lastDate: '2026-11-01' });
  });
});

describe('extractTherapies: drug identification at any RxNorm level and by text', () => {
  it.each([
    ['ingredient (IN)', { coding: [{ system: RXNORM, code: '42375' }] }, 'leuprolide'],
    ['clinical drug (SCD)', { coding: [{ system: RXNORM, code: '752899' }] }, 'leuprolide'],
    ['branded drug (SBD)', { coding: [{ system: RXNORM, code: '686161' }] }, 'carboplatin'],
    ['branded dose-form group, from the generated product mapping only', { coding: [{ system: RXNORM, code: '1182364' }] }, 'carboplatin'],
    ['brand name (BN), from the generated product mapping only', { coding: [{ system: RXNORM, code: '274342' }] }, 'etoposide'],
    ['an OID system alias for RxNorm', { coding: [{ system: 'urn:oid:2.16.840.1.113883.6.88', code: '1734340' }] }, 'etoposide'],
    ['text only (brand)', { text: 'Lupron Depot 22.5 mg' }, 'leuprolide'],
    ['display only, unknown code', { coding: [{ system: 'https://fhir.cerner.com/x/synonym', code: '123', display: 'ZYTIGA 250 MG tablet' }] }, 'abiraterone'],
  ])('%s', (_label, medication, drug) => {
    expect(only([request('r', 'active', medication)]).drug).toBe(drug);
  });

  it('"non-leuprolide" look-alikes and unknown drugs are not therapy', () => {
    expect(therapies([request('r', 'active', cc('metformin 500 MG Oral Tablet', '861007'))]).therapies).toEqual([]);
  });

  it('prednisone is known (radium-223 with abiraterone + prednisone) but carries no drug class', () => {
    expect(only([request('r', 'active', cc('prednisone 5 MG Oral Tablet', '312617'))])).toMatchObject({ drug: 'prednisone', classes: [] });
  });

  it('a contained Medication', () => {
    const r: MedicationRequest = {
      ...request('r', 'active', undefined),
      medicationCodeableConcept: undefined,
      contained: [
        { resourceType: 'Medication', id: 'm', code: { coding: [{ system: RXNORM, code: '310592', display: 'goserelin 3.6 MG Drug Implant' }] } } as Medication,
      ],
      medicationReference: { reference: '#m' },
    };
    expect(only([r])).toMatchObject({ drug: 'goserelin', asRecorded: 'goserelin 3.6 MG Drug Implant', classes: ['ADT'] });
  });

  it('a separate Medication of the call (the FHIR core Xeloda example, RxNorm 213293 read by its display)', () => {
    const medication = readExternal<Medication>('fhir-r4-core-examples/Medication-medexample015.json');
    const r: MedicationRequest = {
      ...request('r', 'active', undefined),
      medicationCodeableConcept: undefined,
      medicationReference: { reference: 'Medication/medexample015' },
    };
    expect(only([r, medication])).toMatchObject({ drug: 'capecitabine', classes: ['COLORECTAL-REGIMEN', 'CAPTEM'], route: 'oral' });
  });

  it('an unresolvable Medication: its reference display is read; without one nothing is guessed', () => {
    const withDisplay: MedicationRequest = {
      ...request('a', 'active', undefined),
      medicationCodeableConcept: undefined,
      medicationReference: { reference: 'Medication/elsewhere', display: 'Lupron Depot 3-Month 22.5 mg' },
    };
    const bare: MedicationRequest = {
      ...request('b', 'active', undefined),
      medicationCodeableConcept: undefined,
      medicationReference: { reference: 'Medication/elsewhere' },
    };
    expect(therapies([withDisplay, bare]).therapies.map((t) => [t.ref, t.drug])).toEqual([['MedicationRequest/a', 'leuprolide']]);
  });
});

describe('extractTherapies: depot windows (now injected)', () => {
  const leuprolide3m = (given: string) => administration('a', 'leuprolide acetate 22.5 MG Injection', given);

  it.each([
    [84, 'current'],
    [98, 'current'],
    [105, 'current'],
    [106, 'past'],
  ])('3-month leuprolide given %i days ago → %s (window 84–91 d + 14 d grace)', (days, status) => {
    const t = only([leuprolide3m(daysBefore(days))]);
    expect(t.status).toBe(status);
    expect(t.depot).toEqual({ intervalDays: 84, lastGiven: daysBefore(days), nextDoseDue: daysBefore(days - 84) });
    expect(t.lastDate).toBe(daysBefore(days));
  });

  it.each([
    [42, 'current'],
    [43, 'past'],
  ])('1-month leuprolide (0.25 ML × 30 MG/ML = 7.5 mg, Synthea RxNorm 752899) given %i days ago → %s', (days, status) => {
    const a = administration('a', 'x', daysBefore(days), {
      medicationCodeableConcept: { coding: [{ system: RXNORM, code: '752899', display: '0.25 ML Leuprolide Acetate 30 MG/ML Prefilled Syringe' }] },
    });
    expect(only([a])).toMatchObject({ status, depot: { intervalDays: 28 } });
  });

  it.each([
    [379, 'current'],
    [380, 'past'],
  ])('histrelin implant given %i days ago → %s (365 d + 14 d)', (days, status) => {
    expect(only([administration('a', 'Vantas 50 mg implant', daysBefore(days))])).toMatchObject({ drug: 'histrelin', status, depot: { intervalDays: 365 } });
  });

  it.each([
    ['4-Month 1.5 ML leuprolide acetate 20 MG/ML Prefilled Syringe', 112, 134, 'product text "4-Month" (beats the 30 mg dose)'],
    ['0.375 ML leuprolide acetate 120 MG/ML Prefilled Syringe', 168, 194, 'dose 45 mg → 6-month'],
    ['Zoladex 10.8 mg implant', 84, 105, 'goserelin 10.8 mg → 3-month'],
    ['Trelstar 22.5 mg', 168, 194, 'triptorelin 22.5 mg → 6-month'],
    ['Firmagon 80 mg', 28, 42, 'degarelix maintenance → 1-month'],
    ['Sandostatin LAR Depot 20 mg', 28, 42, 'octreotide LAR → monthly'],
    ['Somatuline Depot 120 mg', 28, 42, 'lanreotide → monthly'],
  ])('%s: next dose after %i d, current up to day %i (%s)', (product, interval, lastCurrentDay) => {
    expect(only([administration('a', product, daysBefore(lastCurrentDay))])).toMatchObject({ status: 'current', depot: { intervalDays: interval } });
    expect(only([administration('a', product, daysBefore(lastCurrentDay + 1))])).toMatchObject({ status: 'past', depot: { intervalDays: interval } });
  });

  it('the interval is read from the dosage text, the administered dose and the timing when the product does not say', () => {
    const byText = administration('t', 'leuprolide', daysBefore(100), { dosage: { text: '22.5 mg IM every 3 months' } });
    const byDose = administration('d', 'leuprolide', daysBefore(100), { dosage: { dose: { value: 22.5, unit: 'mg', code: 'mg' } } });
    expect(therapies([byText, byDose]).therapies.map((t) => [t.ref, t.status, t.depot?.intervalDays, t.dose, t.route])).toEqual([
      ['MedicationAdministration/t', 'current', 84, undefined, undefined],
      ['MedicationAdministration/d', 'current', 84, { value: 22.5, unit: 'mg' }, undefined],
    ]);
    expect(
      depotWindow('leuprolide', { productTexts: ['leuprolide'], instructionTexts: [], timings: [{ repeat: { frequency: 1, period: 3, periodUnit: 'mo' } }] }),
    ).toEqual({
      intervalDays: 84,
      upperDays: 91,
      basis: 'timing',
    });
    expect(depotWindow('leuprolide', { productTexts: ['Eligard q12w'], instructionTexts: [], timings: [] })?.intervalDays).toBe(84);
    expect(depotWindow('cisplatin', { productTexts: ['cisplatin 3-month'], instructionTexts: [], timings: [] })).toBeUndefined();
  });

  it('a depot whose interval cannot be told counts as current for 28 d + grace and carries no due date', () => {
    expect(only([administration('a', 'leuprolide acetate injection', daysBefore(42))])).toMatchObject({ status: 'current', lastDate: daysBefore(42) });
    expect(only([administration('a', 'leuprolide acetate injection', daysBefore(42))]).depot).toBeUndefined();
    expect(only([administration('a', 'leuprolide acetate injection', daysBefore(43))]).status).toBe('past');
  });

  it('the grace is configurable', () => {
    expect(only([leuprolide3m(daysBefore(95))], { now: NOW, depotGraceDays: 0 }).status).toBe('past');
    expect(only([leuprolide3m(daysBefore(91))], { now: NOW, depotGraceDays: 0 }).status).toBe('current');
  });

  it('a depot given by request only has no depot window (the request status decides)', () => {
    expect(only([request('r', 'active', cc('Lupron Depot 22.5 mg'))]).depot).toBeUndefined();
  });
});

describe('extractTherapies: somatostatin analogues — short-acting octreotide is not an SSA', () => {
  it.each<[string, Dosage | undefined, string[]]>([
    [
      'octreotide 100 mcg subcutaneous three times daily',
      { route: { text: 'Subcutaneous' }, doseAndRate: [{ doseQuantity: { value: 100, unit: 'ug', code: 'ug' } }] },
      [],
    ],
    ['Sandostatin 0.1 MG/ML Injectable Solution', undefined, []],
    ['octreotide', undefined, []],
    ['Sandostatin LAR Depot 20 mg', undefined, ['SSA']],
    ['octreotide 20 mg', { route: { coding: [{ system: 'http://snomed.info/sct', code: '78421000', display: 'Intramuscular route' }] } }, ['SSA']],
    ['octreotide', { text: '30 mg every 4 weeks' }, ['SSA']],
    ['octreotide', { timing: { repeat: { frequency: 1, period: 4, periodUnit: 'wk' } } }, ['SSA']],
    ['lanreotide 120 mg', undefined, ['SSA']],
    ['Signifor LAR 40 mg', undefined, ['SSA']],
    ['Signifor 0.6 mg subcutaneous twice daily', undefined, []],
  ])('%s → %j', (text, dosage, classes) => {
    const r = request('r', 'active', cc(text), dosage ? { dosageInstruction: [dosage] } : {});
    expect(only([r]).classes).toEqual(classes);
  });
});

describe('extractTherapies: route and dose', () => {
  it('route from SNOMED codes, Cerner-style codings and words; oral from the product form; dose from doseAndRate', () => {
    const iv = request('iv', 'active', cc('carboplatin'), {
      dosageInstruction: [
        {
          route: { coding: [{ system: 'http://ncimeta.nci.nih.gov', code: 'C38279', display: 'INTRAVENOUS DRIP' }], text: 'IV Piggyback' },
          doseAndRate: [{ doseQuantity: { value: 450, unit: 'mg' } }],
        },
      ],
    });
    const oral = request('po', 'active', { coding: [{ system: RXNORM, code: '197687', display: 'etoposide 50 MG Oral Capsule' }] });
    const ivEtoposide = request(
      'ive',
      'active',
      { coding: [{ system: RXNORM, code: '1734340', display: 'etoposide 100 MG Injection' }] },
      { dosageInstruction: [{ route: { text: 'intravenous' } }] },
    );
    expect(therapies([iv, oral, ivEtoposide]).therapies.map((t) => [t.ref, t.route, t.dose])).toEqual([
      ['MedicationRequest/iv', 'intravenous', { value: 450, unit: 'mg' }],
      ['MedicationRequest/po', 'oral', undefined],
      ['MedicationRequest/ive', 'intravenous', undefined],
    ]);
  });

  it.each([
    [{ coding: [{ system: 'http://snomed.info/sct', code: '26643006' }] }, 'oral'],
    [{ text: 'SubQ' }, 'subcutaneous'],
    [{ text: 'IM' }, 'intramuscular'],
    [{ text: 'intravesical' }, 'intravesical'],
    [undefined, undefined],
  ])('routeOf(%j) → %s', (route, expected) => {
    expect(routeOf(route)).toBe(expected);
  });

  it.each([
    ['0.375 ML leuprolide acetate 60 MG/ML Prefilled Syringe', 22.5],
    ['Lupron Depot 22.5 mg', 22.5],
    ['goserelin 10.8 MG Drug Implant', 10.8],
    ['leuprolide acetate 5 MG/ML Injectable Solution', undefined],
  ])('strengthMg(%s) → %s', (text, mg) => {
    expect(strengthMg(text)).toBe(mg);
  });
});

describe('extractTherapies: entered-in-error and unreadable resources', () => {
  it('entered-in-error requests, statements and administrations are ignored', () => {
    const list = therapies([
      request('r', 'entered-in-error', cc('leuprolide')),
      statement('s', 'entered-in-error'),
      administration('a', 'Lupron Depot 22.5 mg', daysBefore(10), { status: 'entered-in-error' }),
    ]);
    expect(list).toEqual({ therapies: [], unreadable: [] });
  });

  it('a resource whose content cannot be read is named in unreadable, the others still read', () => {
    const broken = request('bad', 'active', cc('leuprolide'));
    Object.defineProperty(broken, 'dosageInstruction', {
      enumerable: true,
      get() {
        throw new Error('malformed');
      },
    });
    const oddShapes = [
      { ...request('odd1', 'active', cc('abiraterone')), dosageInstruction: 'not a list' },
      { ...request('odd2', 'active', cc('abiraterone')), medicationCodeableConcept: { coding: 'x', text: 7 } },
    ] as unknown as MedicationRequest[];
    const { therapies: list, unreadable } = therapies([broken, ...oddShapes, request('ok', 'active', cc('abiraterone'))]);
    expect(list.map((t) => t.ref)).toEqual(expect.arrayContaining(['MedicationRequest/ok']));
    expect(list.map((t) => t.ref)).not.toContain('MedicationRequest/bad');
    // A non-array coding is not a shape the drug reader handles: named, not guessed. A non-array dosage is tolerated.
    expect(unreadable).toEqual(['MedicationRequest/bad: its content could not be read', 'MedicationRequest/odd2: its content could not be read']);
  });
});

describe('extractTherapies on real data (../shared/external-fhir)', () => {
  it('Synthea Sherman McGlynn: leuprolide 752899 and docetaxel current; 45 cisplatin and 45 etoposide requests past, with dates', () => {
    const bundle = readExternal<Bundle>('synthea-smart-r4/Sherman_McGlynn_8ef2ef98-48c5-427e-80d4-5e8f30ac8bf5.json');
    const { therapies: list, unreadable } = therapies([bundle]);
    expect(unreadable).toEqual([]);
    const by = (drug: string) => list.filter((t) => t.drug === drug);
    expect(by('leuprolide').map((t) => [t.status, t.asRecorded, t.classes, t.date?.slice(0, 10)])).toEqual([
      ['current', '0.25 ML Leuprolide Acetate 30 MG/ML Prefilled Syringe', ['ADT'], '2003-01-07'],
    ]);
    expect(by('docetaxel').map((t) => t.status)).toEqual(['current']);
    for (const drug of ['cisplatin', 'etoposide']) {
      expect(by(drug)).toHaveLength(45);
      expect(by(drug).every((t) => t.status === 'past' && t.kind === 'request' && /^\d{4}-\d{2}-\d{2}/.test(t.lastDate ?? ''))).toBe(true);
    }
    expect(by('cisplatin')[0]?.classes).toEqual(['PLATINUM']);
    expect(by('etoposide')[0]?.classes).toEqual(['ETOPOSIDE']);
    expect(new Set(list.map((t) => t.drug))).toEqual(new Set(['leuprolide', 'docetaxel', 'cisplatin', 'etoposide']));
  });

  it('mCODE cisplatin: the completed request is past on its timing event, IV, 75 mg/m2; the stopped one is past', () => {
    const completed = readExternal('mcode-stu4/MedicationRequest-cancer-related-medication-request-cisplatin.json');
    const stopped = readExternal('mcode-stu4/MedicationRequest-cancer-related-medication-request-cisplatin-stopped.json');
    expect(therapies([completed, stopped]).therapies.map((t) => [t.ref, t.status, t.lastDate, t.route, t.dose])).toEqual([
      ['MedicationRequest/cancer-related-medication-request-cisplatin', 'past', '2019-06-15', 'intravenous', { value: 75, unit: 'mg/m2' }],
      ['MedicationRequest/cancer-related-medication-request-cisplatin-stopped', 'past', '2019-05-15', undefined, undefined],
    ]);
  });

  it('mCODE MedicationAdministrations (doxorubicin, cyclophosphamide, paclitaxel, vincristine …): none is a drug of the rules; prednisone is known, classless', () => {
    const files = [
      'MedicationAdministration-a96613ef-89ea-4d90-a41b-30f707492f3e.json',
      'MedicationAdministration-b1915b72-001e-4a83-b3ab-fa53e866adf2.json',
      'MedicationAdministration-cancer-related-medication-admin-doxorubicin-jenny-m.json',
      'MedicationAdministration-cancer-related-medication-admin-idarubicin-brian-l.json',
      'MedicationAdministration-cancer-related-medication-admin-paclitaxel-jenny-m.json',
      'MedicationAdministration-cancer-related-medication-admin-prednisone-brian-l.json',
      'MedicationAdministration-cancer-related-medication-admin-vincristine-brian-l.json',
    ];
    const read = therapies(files.map((f) => readExternal(`mcode-stu4/${f}`)));
    expect(read.unreadable).toEqual([]);
    expect(read.therapies.map((t) => [t.drug, t.classes])).toEqual([['prednisone', []]]);
  });

  it('an mCODE administration shape with one of our drugs: given 2018-04-22, IV dose in mg, past with its date', () => {
    const doxorubicin = readExternal<MedicationAdministration>('mcode-stu4/MedicationAdministration-cancer-related-medication-admin-doxorubicin-jenny-m.json');
    const asCisplatin = {
      ...doxorubicin,
      medicationCodeableConcept: { coding: [{ system: RXNORM, code: '309311', display: 'cisplatin 1 MG/ML Injectable Solution' }] },
    };
    expect(only([asCisplatin])).toMatchObject({
      drug: 'cisplatin',
      status: 'past',
      lastDate: '2018-04-22',
      route: 'intravenous',
      dose: { value: 105.96, unit: 'mg' },
    });
  });

  it('FHIR core medrx0309: capecitabine in a contained SNOMED-only Medication, oral, 1000 mg/m2', () => {
    expect(only([readExternal('fhir-r4-core-examples/MedicationRequest-medrx0309.json')])).toMatchObject({
      drug: 'capecitabine',
      status: 'current',
      route: 'oral',
      dose: { value: 1000, unit: 'mg/m2' },
      asRecorded: 'Capecitabine (product)',
    });
  });

  it('Cerner and Epic MedicationStatements (with paging links, unresolvable Epic Medications, not-taken / unknown statuses) give nothing and break nothing', () => {
    const files = [
      'ronin-interop-ehr-epic-cerner/cerner-ExampleMedicationStatementBundle.json',
      'ronin-interop-ehr-epic-cerner/cerner-ExampleMedicationStatementBundleWithPaging.json',
      'ronin-interop-ehr-epic-cerner/epic-ExampleMedicationStatementBundle.json',
      'ronin-interop-ehr-epic-cerner/epic-ExampleMedicationStatement1.json',
      'cerner-millennium-r4-docs/r4-medication-administration-bundle.json',
      'cerner-millennium-r4-docs/r4-medication-request-entered-in-error.json',
    ];
    expect(therapies(files.map((f) => readExternal(f)))).toEqual({ therapies: [], unreadable: [] });
  });

  it('the Cerner MedicationStatement shape with one of our drugs: open period → current, IV (NCI + SNOMED codings); a closed period → past', () => {
    const bundle = readExternal<Bundle>('ronin-interop-ehr-epic-cerner/cerner-ExampleMedicationStatementBundleWithPaging.json');
    const [open, closed] = (bundle.entry ?? []).map((e) => ({ ...(e.resource as MedicationStatement), medicationCodeableConcept: { text: 'carboplatin' } }));
    expect(therapies([open!, closed!]).therapies.map((t) => [t.drug, t.status, t.route, t.date?.slice(0, 10), t.lastDate?.slice(0, 10)])).toEqual([
      ['carboplatin', 'current', 'intravenous', '2020-03-05', undefined],
      ['carboplatin', 'past', 'intravenous', '2020-03-05', '2020-03-05'],
    ]);
  });
});
