import type { Coding, Condition } from 'fhir/r4.js';
import type { Cancer, PrimarySite } from '../../engine/picture.js';
import { fhirPath } from '../fhirpath.js';
import type { ResourceSet } from '../resources.js';
import { codingKey, type Terminology } from '../terminology.js';
import { conditionDate, displayOf, isActiveCondition } from './conditions.js';
import { readEach } from './guard.js';

const codings = fhirPath<Coding>('code.coding');
const histologyCodings = fhirPath<Coding>(
  "extension.where(url='http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior').value.ofType(CodeableConcept).coding",
);

/**
 * ICD-10-CM categories of primary cancers, for codes more specific than the terminology lists (C34.11 …).
 * Merkel cell carcinoma (C4A, ICD-O-3 8247/3) is a candidate primary for small cell histology (rules.md §2).
 */
const ICD10_PRIMARY: [RegExp, PrimarySite][] = [
  [/^C61$/, 'prostate'],
  [/^C34/, 'lung'],
  [/^C4A/, 'merkel'],
  [/^C18/, 'colon'],
  [/^C(19|20)/, 'rectum'],
  [/^C25/, 'pancreas'],
  [/^C80/, 'unknown'],
];
const MERKEL_MORPHOLOGY = codingKey('http://terminology.hl7.org/CodeSystem/icd-o-3', '8247/3');

function primarySiteOf(condition: Condition, terminology: Terminology): PrimarySite | undefined {
  if (histologyCodings(condition).some((c) => codingKey(c.system, c.code) === MERKEL_MORPHOLOGY)) return 'merkel';
  for (const coding of codings(condition)) {
    const site = terminology.conceptsForCoding(coding).find((c) => c.primarySite)?.primarySite;
    if (site) return site;
    const key = codingKey(coding.system, coding.code);
    if (key?.startsWith('http://hl7.org/fhir/sid/icd-10-cm|')) {
      const code = key.split('|')[1] ?? '';
      const hit = ICD10_PRIMARY.find(([re]) => re.test(code));
      if (hit) return hit[1];
    }
  }
  return undefined;
}

/**
 * Active primary cancers with their site, from Conditions (coded; a text-only Condition is not read as a cancer).
 * @param set - the call's resources
 * @param terminology - concept index
 * @param unreadable - collects resources that could not be read
 */
export function extractCancers(set: ResourceSet, terminology: Terminology, unreadable: string[]): Cancer[] {
  return readEach(set.ofType<Condition>('Condition'), (condition) => {
    if (!isActiveCondition(condition)) return [];
    const primarySite = primarySiteOf(condition, terminology);
    if (!primarySite) return [];
    return [{ primarySite, display: displayOf(condition.code), date: conditionDate(condition), sources: [`Condition/${condition.id}`] }];
  }, unreadable);
}
