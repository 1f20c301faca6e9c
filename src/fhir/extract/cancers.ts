import type { Condition } from 'fhir/r4.js';
import type { Cancer, PrimarySite } from '../../engine/picture.js';
import type { ResourceSet } from '../resources.js';
import { codingKey, type Terminology } from '../terminology.js';
import { conditionDate, displayOf, isActiveCondition } from './conditions.js';
import { codeCodings, extensionCodings, profilesOf } from './elements.js';
import { readEach } from './guard.js';

const codings = codeCodings;
const histologyCodings = extensionCodings('http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior');

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
const PRIMARY_PROFILE = 'http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-primary-cancer-condition';
const profiles = profilesOf;

/** Other primary malignancies (site `other`): ICD-10-CM C00–C96 except the secondary categories C77–C79 and C7B. */
const ICD10_OTHER_MALIGNANT = /^C(?!7[789]|7B)\d/;
/** A SNOMED disorder display that names a malignancy, and not one that is secondary, in situ, suspected or past. */
const MALIGNANT_WORDS = /malignan|carcinoma|cancer|sarcoma|lymphoma|leuka?emia|melanoma|myeloma|blastoma/i;
const NOT_A_PRIMARY = /secondary|metasta|in situ|benign|suspected|history of|screening|risk of|family history/i;

/** The organ a malignant SNOMED display names ("Primary small cell malignant neoplasm of lung"). */
const SITE_WORDS: [RegExp, PrimarySite][] = [
  [/\bprostat/i, 'prostate'],
  [/\b(?:lung|bronch)/i, 'lung'],
  [/\bmerkel/i, 'merkel'],
  [/\brect(?:um|al)\b/i, 'rectum'],
  [/\b(?:colon|sigmoid)/i, 'colon'],
  [/\bpancrea/i, 'pancreas'],
];

function primarySiteOf(condition: Condition, terminology: Terminology): PrimarySite | undefined {
  if (histologyCodings(condition).some((c) => codingKey(c.system, c.code) === MERKEL_MORPHOLOGY)) return 'merkel';
  let malignant = profiles(condition).includes(PRIMARY_PROFILE);
  for (const coding of codings(condition)) {
    const site = terminology.conceptsForCoding(coding).find((c) => c.primarySite)?.primarySite;
    if (site) return site;
    const key = codingKey(coding.system, coding.code);
    if (key?.startsWith('http://hl7.org/fhir/sid/icd-10-cm|')) {
      const code = key.split('|')[1] ?? '';
      const hit = ICD10_PRIMARY.find(([re]) => re.test(code));
      if (hit) return hit[1];
      if (ICD10_OTHER_MALIGNANT.test(code)) malignant = true;
    }
    if (key?.startsWith('http://snomed.info/sct|') && coding.display && MALIGNANT_WORDS.test(coding.display) && !NOT_A_PRIMARY.test(coding.display)) {
      const named = SITE_WORDS.find(([re]) => re.test(coding.display ?? ''));
      if (named) return named[1];
      malignant = true;
    }
  }
  return malignant ? 'other' : undefined;
}

/**
 * Active primary cancers with their site, from Conditions (coded; a text-only Condition is not read as a cancer).
 * @param set - the call's resources
 * @param terminology - concept index
 * @param unreadable - collects resources that could not be read
 */
export function extractCancers(set: ResourceSet, terminology: Terminology, unreadable: string[]): Cancer[] {
  return readEach(
    set.ofType<Condition>('Condition'),
    (condition) => {
      if (!isActiveCondition(condition)) return [];
      const primarySite = primarySiteOf(condition, terminology);
      if (!primarySite) return [];
      return [{ primarySite, display: displayOf(condition.code), date: conditionDate(condition), sources: [`Condition/${condition.id}`] }];
    },
    unreadable,
  );
}
