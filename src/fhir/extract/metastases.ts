import type { Condition } from 'fhir/r4.js';
import type { Metastasis, MetastasisSite } from '../../engine/picture.js';
import type { ResourceSet } from '../resources.js';
import { codingKey, type Terminology } from '../terminology.js';
import { conditionDate, displayOf, isActiveCondition } from './conditions.js';
import { bodySitesOf, codeCodings, profilesOf } from './elements.js';
import { readEach } from './guard.js';

const codings = codeCodings;
const bodySites = bodySitesOf;
const profiles = profilesOf;

const SECONDARY_PROFILE = 'http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-secondary-cancer-condition';
const VISCERAL = new Set<MetastasisSite>(['liver', 'lung', 'pleura', 'brain', 'adrenal', 'peritoneum']);

/** ICD-10-CM secondary neoplasm categories (C77–C79, C7B) by site, for codes more specific than the terminology lists. */
const ICD10_SECONDARY: [RegExp, MetastasisSite][] = [
  [/^C77/, 'lymph-node'],
  [/^C780/, 'lung'],
  [/^C782/, 'pleura'],
  [/^C786/, 'peritoneum'],
  [/^C787/, 'liver'],
  [/^C78/, 'other'],
  [/^C793/, 'brain'],
  [/^C795/, 'bone'],
  [/^C797/, 'adrenal'],
  [/^C79/, 'other'],
  [/^C7B02/, 'liver'],
  [/^C7B03/, 'bone'],
  [/^C7B04/, 'peritoneum'],
  [/^C7B01/, 'lymph-node'],
  [/^C7B/, 'other'],
];

/** A site from a bodySite's words (mCODE SecondaryCancerCondition carries the site there). */
const SITE_WORDS: [RegExp, MetastasisSite][] = [
  [/\b(?:liver|hepatic)\b/i, 'liver'],
  [/\bpleura/i, 'pleura'],
  [/\b(?:lung|pulmonary)\b/i, 'lung'],
  [/\b(?:brain|cerebr)/i, 'brain'],
  [/\b(?:bone|osseous|vertebra|spine|rib|femur|pelvi)/i, 'bone'],
  [/\blymph\s*node/i, 'lymph-node'],
  [/\b(?:peritone|omentum)/i, 'peritoneum'],
  [/\badrenal\b/i, 'adrenal'],
];

/** SNOMED secondary / metastasis disorders the terminology does not list ("Metastasis from malignant tumor of prostate"). */
const SNOMED_SECONDARY = /^(?:metasta|secondary malignant neoplasm|secondary carcinoma)/i;

function siteFromWords(text: string): MetastasisSite | undefined {
  return SITE_WORDS.find(([re]) => re.test(text))?.[1];
}

function siteFromCodes(condition: Condition, terminology: Terminology): MetastasisSite | undefined {
  for (const coding of codings(condition)) {
    const concept = terminology.conceptsForCoding(coding).find((c) => c.metastasisSite);
    if (concept?.metastasisSite) return concept.metastasisSite;
    const key = codingKey(coding.system, coding.code);
    if (key?.startsWith('http://hl7.org/fhir/sid/icd-10-cm|')) {
      const code = key.split('|')[1] ?? '';
      const hit = ICD10_SECONDARY.find(([re]) => re.test(code));
      if (hit) return hit[1];
    }
    if (key?.startsWith('http://snomed.info/sct|') && coding.display && SNOMED_SECONDARY.test(coding.display)) {
      // "Metastasis from malignant tumor of prostate" names the origin, not the site.
      return siteFromWords(coding.display.replace(/\bfrom\b.*$/i, '')) ?? 'other';
    }
  }
  return undefined;
}

function siteFromBodySite(condition: Condition): MetastasisSite | undefined {
  for (const site of bodySites(condition)) {
    const hit = siteFromWords([site.text, ...(site.coding ?? []).map((c) => c.display)].filter(Boolean).join(' '));
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Metastases, only from secondary-neoplasm Conditions: an ICD-10-CM C77–C79 / C7B or SNOMED secondary code (the
 * terminology's site concepts), or the mCODE SecondaryCancerCondition profile (site from its bodySite). The
 * bodySite of a *primary* cancer is never a metastasis: a lung-primary small cell cancer is not a lung metastasis.
 * @param set - the call's resources
 * @param terminology - concept index
 * @param unreadable - collects resources that could not be read
 */
export function extractMetastases(set: ResourceSet, terminology: Terminology, unreadable: string[]): Metastasis[] {
  return readEach(
    set.ofType<Condition>('Condition'),
    (condition): Metastasis[] => {
      if (!isActiveCondition(condition)) return [];
      const coded = siteFromCodes(condition, terminology);
      const profiled = profiles(condition).includes(SECONDARY_PROFILE);
      if (!coded && !profiled) return [];
      // A coded site that is only "unspecified" is refined by the bodySite of a secondary condition.
      const site = (coded && coded !== 'other' ? coded : siteFromBodySite(condition)) ?? coded ?? 'other';
      return [
        { site, visceral: VISCERAL.has(site), display: displayOf(condition.code), date: conditionDate(condition), sources: [`Condition/${condition.id}`] },
      ];
    },
    unreadable,
  );
}
