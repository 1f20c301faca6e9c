import type { Condition, Procedure } from 'fhir/r4.js';
import type { Fact, Maybe } from '../../engine/picture.js';
import { fhirPath } from '../fhirpath.js';
import type { ResourceSet } from '../resources.js';
import { codingKey, type Terminology } from '../terminology.js';
import { conditionDate, displayOf, isActiveCondition } from './conditions.js';
import { codeCodings } from './elements.js';
import { readEach } from './guard.js';

const codings = codeCodings;
const performed = fhirPath<string>('performed.ofType(dateTime) | performed.ofType(Period).start');

/** ICD-10-CM neuropathy codes beyond the terminology's list: G62.x polyneuropathy, E08–E13 .4x diabetic neuropathy. */
const NEUROPATHY_ICD10 = /^(?:G62|G60|E(?:0[89]|1[0-3])4)/;

function hasConcept(condition: Condition, terminology: Terminology, id: string): boolean {
  return codings(condition).some((c) => terminology.conceptsForCoding(c).some((concept) => concept.id === id));
}

function newestFirst<T extends { date?: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
}

/**
 * Active peripheral neuropathy, from coded Conditions (terminology concept, ICD-10-CM G62/G60, diabetic neuropathy).
 * @returns the newest such Condition, or Missing "none on record"
 */
export function extractNeuropathy(set: ResourceSet, terminology: Terminology, unreadable: string[]): Maybe<string> {
  const found = readEach(
    set.ofType<Condition>('Condition'),
    (condition): Fact<string>[] => {
      if (!isActiveCondition(condition)) return [];
      const icd10 = codings(condition).some((c) => {
        const key = codingKey(c.system, c.code);
        return key?.startsWith('http://hl7.org/fhir/sid/icd-10-cm|') && NEUROPATHY_ICD10.test(key.split('|')[1] ?? '');
      });
      if (!icd10 && !hasConcept(condition, terminology, 'peripheral-neuropathy')) return [];
      return [{ value: displayOf(condition.code), date: conditionDate(condition), sources: [`Condition/${condition.id}`] }];
    },
    unreadable,
  );
  return newestFirst(found)[0] ?? { missing: true, reason: 'no peripheral neuropathy on record' };
}

/** The newest coded hormone status: resistant (Z19.2, hormone refractory prostate cancer) or sensitive (Z19.1). */
export function extractCodedCastrationStatus(
  set: ResourceSet,
  terminology: Terminology,
  unreadable: string[],
): (Fact<boolean> & { display: string }) | undefined {
  const found = readEach(
    set.ofType<Condition>('Condition'),
    (condition): (Fact<boolean> & { display: string })[] => {
      if (!isActiveCondition(condition)) return [];
      const resistant = hasConcept(condition, terminology, 'castration-resistant');
      if (!resistant && !hasConcept(condition, terminology, 'hormone-sensitive')) return [];
      return [{ value: resistant, display: displayOf(condition.code), date: conditionDate(condition), sources: [`Condition/${condition.id}`] }];
    },
    unreadable,
  );
  return newestFirst(found)[0];
}

/** A completed bilateral orchiectomy (permanent castration, rules.md §1); a one-sided one is not castration. */
export function extractOrchiectomy(set: ResourceSet, unreadable: string[]): Fact<string> | undefined {
  const found = readEach(
    set.ofType<Procedure>('Procedure'),
    (procedure): Fact<string>[] => {
      if (procedure.status !== 'completed') return [];
      const text = [procedure.code?.text, ...codings(procedure).map((c) => c.display)].filter(Boolean).join(' ');
      if (!/orchi(?:d)?ectomy/i.test(text) || !/bilateral|both/i.test(text)) return [];
      const date = performed(procedure)[0];
      return date ? [{ value: date, date, sources: [`Procedure/${procedure.id}`] }] : [];
    },
    unreadable,
  );
  return found.sort((a, b) => a.value.localeCompare(b.value))[0];
}
