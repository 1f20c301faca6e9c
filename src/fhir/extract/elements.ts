import type { CodeableConcept, Coding, Reference } from 'fhir/r4.js';
import { fhirPath } from '../fhirpath.js';

/**
 * The FHIRPath reads of the hot paths (every Observation, every Condition, several times per call), in plain
 * TypeScript. FHIRPath costs about 7 µs per resource per expression (../shared/research/fhir-server.md §4); these
 * reads are property look-ups. Each reader takes the fast path only for the shape valid FHIR JSON has (a string, an
 * object, an array of objects, no primitive extension `_x`); anything else (a number where a date belongs, nulls,
 * arrays where one value belongs) goes to the compiled FHIRPath expression it replaces, so the answer, and whether
 * reading the resource throws, stay exactly what they were.
 */

type Json = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isOptionalString = (value: unknown) => value === undefined || typeof value === 'string';
const isObjectArray = (value: unknown): value is Json[] => Array.isArray(value) && value.every(isPlainObject);

/**
 * How many `<choice>[x]` elements (and their `_` extensions) a resource has: valid FHIR has at most one. Any key
 * `<choice>` + capital letter counts, which is more than the model knows (then FHIRPath decides: never less exact).
 */
function choiceCount(resource: Json, choice: string): number {
  const first = choice.charCodeAt(0);
  let count = 0;
  for (const key in resource) {
    const c0 = key.charCodeAt(0);
    if (c0 !== first && c0 !== 95) continue; // '_'
    const at = c0 === 95 ? 1 : 0;
    if (key.length <= choice.length + at || !key.startsWith(choice, at)) continue;
    const next = key.charCodeAt(choice.length + at);
    if (next >= 65 && next <= 90) count++;
  }
  return count;
}

function compiled<T>(expression: string): (input: object) => T[] {
  return fhirPath<T>(expression);
}

/**
 * `<choice>.ofType(dateTime) | <choice>.ofType(Period).start | <fallback>`: the first of them (the union keeps
 * order), for `effective` + `issued` and `onset` + `recordedDate`.
 */
function firstDateReader(choice: string, fallback: string): (resource: object) => unknown {
  const dateTime = `${choice}DateTime`;
  const period = `${choice}Period`;
  const slow = compiled<unknown>(`${choice}.ofType(dateTime) | ${choice}.ofType(Period).start | ${fallback}`);
  return (resource) => {
    const r = resource as Json;
    const p = r[period];
    const fast =
      choiceCount(r, choice) <= 1 &&
      isOptionalString(r[dateTime]) &&
      isOptionalString(r[fallback]) &&
      (p === undefined || (isPlainObject(p) && isOptionalString(p.start) && !('_start' in p))) &&
      !(`_${dateTime}` in r) &&
      !(`_${fallback}` in r);
    if (!fast) return slow(resource)[0];
    return r[dateTime] ?? p?.start ?? r[fallback];
  };
}

/** `effective.ofType(dateTime) | effective.ofType(Period).start | issued`, first value (Observation, DiagnosticReport). */
export const effectiveDate = firstDateReader('effective', 'issued') as (resource: object) => string | undefined;

/** `onset.ofType(dateTime) | onset.ofType(Period).start | recordedDate`, first value (Condition). */
export const onsetDate = firstDateReader('onset', 'recordedDate') as (resource: object) => string | undefined;

const slowCodeCodings = compiled<Coding>('code.coding');
/** `code.coding`: the codings of a resource's `code`. */
export function codeCodings(resource: object): Coding[] {
  const code = (resource as Json).code;
  if (code === undefined) return [];
  if (isPlainObject(code) && !('_coding' in code)) {
    const coding = code.coding;
    if (coding === undefined) return [];
    if (isObjectArray(coding)) return coding;
  }
  return slowCodeCodings(resource);
}

/** `<element>.coding.code` of a CodeableConcept element (`clinicalStatus`, `verificationStatus`). */
function codingCodesReader(element: string): (resource: object) => unknown[] {
  const slow = compiled<unknown>(`${element}.coding.code`);
  return (resource) => {
    const cc = (resource as Json)[element];
    if (cc === undefined) return [];
    if (isPlainObject(cc) && !('_coding' in cc)) {
      const coding = cc.coding;
      if (coding === undefined) return [];
      if (isObjectArray(coding) && coding.every((c) => isOptionalString(c.code) && !('_code' in c))) {
        const codes: string[] = [];
        for (const c of coding) if (c.code !== undefined) codes.push(c.code as string);
        return codes;
      }
    }
    return slow(resource);
  };
}

export const clinicalStatusCodes = codingCodesReader('clinicalStatus');
export const verificationStatusCodes = codingCodesReader('verificationStatus');

const slowProfiles = compiled<string>('meta.profile');
/** `meta.profile`. */
export function profilesOf(resource: object): string[] {
  const meta = (resource as Json).meta;
  if (meta === undefined) return [];
  if (isPlainObject(meta) && !('_profile' in meta)) {
    const profile = meta.profile;
    if (profile === undefined) return [];
    if (Array.isArray(profile) && profile.every((p) => typeof p === 'string')) return profile;
  }
  return slowProfiles(resource);
}

const slowValueConcept = compiled<CodeableConcept>('value.ofType(CodeableConcept)');
/** `value.ofType(CodeableConcept)` (Observation). */
export function valueConcepts(resource: object): CodeableConcept[] {
  const r = resource as Json;
  const value = r.valueCodeableConcept;
  if (choiceCount(r, 'value') > 1) return slowValueConcept(resource);
  if (value === undefined && !('_valueCodeableConcept' in r)) return [];
  if (isPlainObject(value)) return [value];
  return slowValueConcept(resource);
}

const slowValueString = compiled<string>('value.ofType(string)');
/** `value.ofType(string)` (Observation). */
export function valueStrings(resource: object): string[] {
  const r = resource as Json;
  const value = r.valueString;
  if ('_valueString' in r || choiceCount(r, 'value') > 1) return slowValueString(resource);
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  return slowValueString(resource);
}

const slowBodySites = compiled<CodeableConcept>('bodySite');
/** `bodySite` (Condition: a list of CodeableConcepts). */
export function bodySitesOf(resource: object): CodeableConcept[] {
  const sites = (resource as Json).bodySite;
  if (sites === undefined) return [];
  if (isObjectArray(sites)) return sites;
  return slowBodySites(resource);
}

const slowMedicationConcept = compiled<CodeableConcept>('medication.ofType(CodeableConcept)');
const slowMedicationReference = compiled<Reference>('medication.ofType(Reference)');
/** `medication.ofType(CodeableConcept)` (MedicationRequest, MedicationStatement, MedicationAdministration). */
export function medicationConcepts(resource: object): CodeableConcept[] {
  const r = resource as Json;
  if (r.medicationCodeableConcept === undefined && r.medicationReference === undefined) return [];
  if (isPlainObject(r.medicationCodeableConcept) && r.medicationReference === undefined) return [r.medicationCodeableConcept];
  if (isPlainObject(r.medicationReference) && r.medicationCodeableConcept === undefined) return [];
  return slowMedicationConcept(resource);
}

/** `medication.ofType(Reference)`. */
export function medicationReferences(resource: object): Reference[] {
  const r = resource as Json;
  if (r.medicationCodeableConcept === undefined && r.medicationReference === undefined) return [];
  if (isPlainObject(r.medicationCodeableConcept) && r.medicationReference === undefined) return [];
  if (isPlainObject(r.medicationReference) && r.medicationCodeableConcept === undefined) return [r.medicationReference];
  return slowMedicationReference(resource);
}

/**
 * A compiled FHIRPath expression that starts at `element`, skipped (empty answer) when the resource does not have
 * that element at all: most resources carry no `extension` or `presentedForm`, and then there is nothing to evaluate.
 */
export function whenPresent<T>(element: string, expression: string): (resource: object) => T[] {
  const slow = compiled<T>(expression);
  return (resource) => ((resource as Json)[element] === undefined && !(`_${element}` in resource) ? [] : slow(resource));
}

/**
 * `extension.where(url='<url>').value.ofType(CodeableConcept)` (and, with `coding`, its `.coding`): the coded value of
 * one extension (mCODE histology-morphology-behavior on a Condition).
 */
export function extensionConcepts(url: string): (resource: object) => CodeableConcept[] {
  const slow = compiled<CodeableConcept>(`extension.where(url='${url}').value.ofType(CodeableConcept)`);
  return (resource) => {
    const fast = fastExtensionConcepts(resource as Json, url);
    return fast ?? slow(resource);
  };
}

/** `extension.where(url='<url>').value.ofType(CodeableConcept).coding`. */
export function extensionCodings(url: string): (resource: object) => Coding[] {
  const slow = compiled<Coding>(`extension.where(url='${url}').value.ofType(CodeableConcept).coding`);
  return (resource) => {
    const concepts = fastExtensionConcepts(resource as Json, url);
    if (!concepts) return slow(resource);
    const out: Coding[] = [];
    for (const cc of concepts) {
      if ('_coding' in cc) return slow(resource);
      const coding = (cc as Json).coding;
      if (coding === undefined) continue;
      if (!isObjectArray(coding)) return slow(resource);
      for (const c of coding) out.push(c);
    }
    return out;
  };
}

/** The fast path of the extension readers; undefined when the shape needs FHIRPath. */
function fastExtensionConcepts(resource: Json, url: string): CodeableConcept[] | undefined {
  const extensions = resource.extension;
  if (extensions === undefined && !('_extension' in resource)) return [];
  if (!isObjectArray(extensions)) return undefined;
  const out: CodeableConcept[] = [];
  for (const e of extensions) {
    if (!isOptionalString(e.url) || '_url' in e) return undefined;
    if (e.url !== url) continue;
    if (choiceCount(e, 'value') > 1) return undefined;
    const value = e.valueCodeableConcept;
    if (value === undefined) continue;
    if (!isPlainObject(value)) return undefined;
    out.push(value);
  }
  return out;
}
