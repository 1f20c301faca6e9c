import type { DiagnosticReport } from 'fhir/r4.js';
import type { LabFact, Maybe } from '../../engine/picture.js';
import { isKnown } from '../../engine/picture.js';
import type { ResourceSet } from '../resources.js';
import { effectiveDate } from './elements.js';
import { readEach } from './guard.js';
import { parseKi67Text } from './ki67.js';
import { clinicalDate } from './dates.js';

const FINAL = new Set(['final', 'amended', 'corrected', 'appended']);

const KI67_NAME = /\b(?:ki[\s-]?67|mib[\s-]?1)\b/gi;
const CLAUSE_STOPS = new Set(['.', ';', ',', ')']);

/**
 * "Ki-67 approximately 80%", "Ki-67 index: 20-25 %", "MIB-1 labelling index 12%": the first clause naming Ki-67,
 * from the name to the last "%" before the clause ends (`.`, `;`, `,` or `)`), with a number before that "%". This is
 * the first match of `/\b(?:ki[\s-]?67|mib[\s-]?1)\b[^.;,)]*?\d[^.;,)]*%/gi`, found in one pass: that expression
 * backtracked over every digit of a long clause (20,000 characters took 30 ms).
 */
export function firstKi67Clause(text: string): string | undefined {
  KI67_NAME.lastIndex = 0;
  for (let m = KI67_NAME.exec(text); m !== null; m = KI67_NAME.exec(text)) {
    const from = m.index + m[0].length;
    let to = from;
    while (to < text.length && !CLAUSE_STOPS.has(text[to]!)) to++;
    const percent = to > from ? text.lastIndexOf('%', to - 1) : -1;
    if (percent >= from && /\d/.test(text.slice(from, percent))) return text.slice(m.index, percent + 1);
  }
  return undefined;
}

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
      const clause = firstKi67Clause(report.conclusion);
      const parsed = clause ? parseKi67Text(clause) : undefined;
      if (!parsed) return [];
      return [
        {
          value: parsed.value,
          unit: '%',
          ...(parsed.comparator ? { comparator: parsed.comparator } : {}),
          date: clinicalDate(effectiveDate(report)),
          sources: [`DiagnosticReport/${report.id}`],
        },
      ];
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
