import type { DiagnosticReport } from 'fhir/r4.js';
import type { LabFact, Maybe } from '../../engine/picture.js';
import { isKnown } from '../../engine/picture.js';
import type { ResourceSet } from '../resources.js';
import { effectiveDate } from './elements.js';
import { readEach } from './guard.js';
import { parseKi67Text } from './ki67.js';

const FINAL = new Set(['final', 'amended', 'corrected', 'appended']);

/** "Ki-67 approximately 80%", "Ki-67 index: 20-25 %", "MIB-1 labelling index 12%": the clause naming Ki-67. */
const KI67_CLAUSE = /\b(?:ki[\s-]?67|mib[\s-]?1)\b[^.;,)]*?\d[^.;,)]*%/gi;

/**
 * Ki-67 written in a pathology report's conclusion, for reports that give it only in text. Negated or uncertain
 * wording does not carry a Ki-67 value, so the clause is read as is.
 * @param set - the call's resources
 * @param unreadable - collects reports that could not be read
 * @returns the newest such value, or undefined
 */
export function ki67FromReports(set: ResourceSet, unreadable: string[]): LabFact | undefined {
  const found = readEach(
    set.ofType<DiagnosticReport>('DiagnosticReport'),
    (report): LabFact[] => {
      if (!FINAL.has(report.status) || typeof report.conclusion !== 'string') return [];
      const clause = report.conclusion.match(KI67_CLAUSE)?.[0];
      const parsed = clause ? parseKi67Text(clause) : undefined;
      if (!parsed) return [];
      return [{ value: parsed.value, unit: '%', ...(parsed.comparator ? { comparator: parsed.comparator } : {}), date: effectiveDate(report), sources: [`DiagnosticReport/${report.id}`] }];
    },
    unreadable,
  );
  return found.sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''))[0];
}

/** The newer of a Ki-67 Observation and a Ki-67 stated in a report; the Observation wins a tie. */
export function newestKi67(observation: Maybe<number, LabFact>, fromReport: LabFact | undefined): Maybe<number, LabFact> {
  if (!fromReport) return observation;
  if (!isKnown(observation)) return fromReport;
  return (fromReport.date ?? '') > (observation.date ?? '') ? fromReport : observation;
}
