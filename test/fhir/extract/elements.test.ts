import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fhirPath } from '../../../src/fhir/fhirpath.js';
import {
  bodySitesOf,
  clinicalStatusCodes,
  codeCodings,
  effectiveDate,
  extensionCodings,
  extensionConcepts,
  medicationConcepts,
  medicationReferences,
  onsetDate,
  profilesOf,
  valueConcepts,
  valueStrings,
  verificationStatusCodes,
  whenPresent,
} from '../../../src/fhir/extract/elements.js';

/**
 * The plain-TypeScript readers of the hot paths must answer exactly what the FHIRPath expressions they replace
 * answer, and throw exactly when those throw, whatever shape the JSON has (valid FHIR, and the junk clients send).
 */

type Outcome = { value: unknown } | { threw: true };
const run = (f: () => unknown): Outcome => {
  try {
    return { value: f() };
  } catch {
    return { threw: true };
  }
};

const leaf = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constantFrom('', '2026-03-12', '2026-03-12T10:00:00+02:00', '2026', 'garbage', 'active', 'resolved', 'refuted', 'http://x/profile'),
  fc.integer({ min: -3, max: 3 }),
  fc.boolean(),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, leaf, tie('object'), fc.array(tie('node'), { maxLength: 3 })),
  object: fc.dictionary(
    fc.constantFrom('start', 'end', 'code', 'coding', 'system', 'display', 'text', 'reference', 'profile', '_code', '_start', 'url', 'extension'),
    tie('node'),
    { maxKeys: 4 },
  ),
})).node;

const URL = 'http://x/profile';
/** Extensions as they come: the wanted url or another, a coded value or another value, and junk. */
const extension = fc.oneof(
  fc.record(
    {
      url: fc.oneof(fc.constant(URL), fc.constant('http://other'), leaf),
      valueCodeableConcept: value,
      valueString: value,
      _url: value,
    },
    { requiredKeys: [] },
  ),
  value,
);
const extensions = fc.oneof(fc.array(extension, { maxLength: 3 }), value);

/** A resource with a random subset of the elements the readers look at, each of any shape. */
function resourceOf(resourceType: string, keys: string[]) {
  const field = keys.includes('extension') ? fc.oneof(value, extensions) : value;
  return fc.dictionary(fc.constantFrom(...keys), field, { maxKeys: keys.length }).map((fields) => {
    const resource: Record<string, unknown> = { resourceType };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) resource[k] = v;
    return resource;
  });
}

const cases: { name: string; resourceType: string; keys: string[]; fast: (r: object) => unknown; expression: string; first?: boolean }[] = [
  {
    name: 'effectiveDate',
    resourceType: 'Observation',
    keys: ['effectiveDateTime', 'effectivePeriod', 'effectiveInstant', 'issued', '_effectiveDateTime', '_issued'],
    fast: effectiveDate,
    expression: 'effective.ofType(dateTime) | effective.ofType(Period).start | issued',
    first: true,
  },
  {
    name: 'onsetDate',
    resourceType: 'Condition',
    keys: ['onsetDateTime', 'onsetPeriod', 'onsetString', 'recordedDate', '_onsetDateTime', '_recordedDate'],
    fast: onsetDate,
    expression: 'onset.ofType(dateTime) | onset.ofType(Period).start | recordedDate',
    first: true,
  },
  { name: 'codeCodings', resourceType: 'Condition', keys: ['code'], fast: codeCodings, expression: 'code.coding' },
  { name: 'clinicalStatusCodes', resourceType: 'Condition', keys: ['clinicalStatus'], fast: clinicalStatusCodes, expression: 'clinicalStatus.coding.code' },
  {
    name: 'verificationStatusCodes',
    resourceType: 'Condition',
    keys: ['verificationStatus'],
    fast: verificationStatusCodes,
    expression: 'verificationStatus.coding.code',
  },
  { name: 'profilesOf', resourceType: 'Condition', keys: ['meta'], fast: profilesOf, expression: 'meta.profile' },
  {
    name: 'valueConcepts',
    resourceType: 'Observation',
    keys: ['valueCodeableConcept', 'valueString', 'valueQuantity', '_valueString'],
    fast: valueConcepts,
    expression: 'value.ofType(CodeableConcept)',
  },
  {
    name: 'valueStrings',
    resourceType: 'Observation',
    keys: ['valueCodeableConcept', 'valueString', 'valueQuantity', '_valueString'],
    fast: valueStrings,
    expression: 'value.ofType(string)',
  },
  { name: 'bodySitesOf', resourceType: 'Condition', keys: ['bodySite'], fast: bodySitesOf, expression: 'bodySite' },
  {
    name: 'medicationConcepts',
    resourceType: 'MedicationRequest',
    keys: ['medicationCodeableConcept', 'medicationReference'],
    fast: medicationConcepts,
    expression: 'medication.ofType(CodeableConcept)',
  },
  {
    name: 'medicationReferences',
    resourceType: 'MedicationStatement',
    keys: ['medicationCodeableConcept', 'medicationReference'],
    fast: medicationReferences,
    expression: 'medication.ofType(Reference)',
  },
  {
    name: 'extensionConcepts',
    resourceType: 'Condition',
    keys: ['extension', 'code'],
    fast: extensionConcepts(URL),
    expression: `extension.where(url='${URL}').value.ofType(CodeableConcept)`,
  },
  {
    name: 'extensionCodings',
    resourceType: 'Condition',
    keys: ['extension', 'code'],
    fast: extensionCodings(URL),
    expression: `extension.where(url='${URL}').value.ofType(CodeableConcept).coding`,
  },
  {
    name: 'whenPresent(extension)',
    resourceType: 'Condition',
    keys: ['extension', 'code'],
    fast: whenPresent('extension', "extension.where(url='http://x/profile').value.ofType(CodeableConcept)"),
    expression: "extension.where(url='http://x/profile').value.ofType(CodeableConcept)",
  },
];

describe('plain-TypeScript element readers = the FHIRPath they replace', () => {
  it.each(cases)('$name', ({ resourceType, keys, fast, expression, first }) => {
    const slow = fhirPath(expression);
    fc.assert(
      fc.property(resourceOf(resourceType, keys), (resource) => {
        const expected = run(() => (first ? slow(resource)[0] : slow(resource)));
        const actual = run(() => fast(resource));
        expect(actual).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('valid FHIR takes the fast path and gives the same values', () => {
    const obs = { resourceType: 'Observation', effectivePeriod: { start: '2026-01-02' }, issued: '2026-01-03T00:00:00Z', valueString: 'small cell carcinoma' };
    expect(effectiveDate(obs)).toBe('2026-01-02');
    expect(valueStrings(obs)).toEqual(['small cell carcinoma']);
    const condition = {
      resourceType: 'Condition',
      code: { coding: [{ system: 's', code: 'c' }] },
      clinicalStatus: { coding: [{ code: 'active' }] },
      recordedDate: '2025-05-05',
    };
    expect(codeCodings(condition)[0]).toBe(condition.code.coding[0]);
    expect(clinicalStatusCodes(condition)).toEqual(['active']);
    expect(onsetDate(condition)).toBe('2025-05-05');
  });
});
