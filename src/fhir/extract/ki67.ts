import type { LabFact } from '../../engine/picture.js';
import type { Concept } from '../terminology.js';
import { type Comparator, comparatorOf, labFact, readLab, type Reading, type ReadResult, str } from './observation-reading.js';

const KI67_NAME = /\bki[\s-]?67\b|\bmib[\s-]?1\b/gi;
const KI67_NUMBER = /(<=|>=|≤|≥|<|>)?\s*(\d+(?:\.\d+)?)\s*(%)?(?:\s*(?:-|–|—|to)\s*(\d+(?:\.\d+)?)\s*(%)?)?/g;

/**
 * Reads a Ki-67 text: "25%" → 25; "20-25%" → 25 (a range: the highest); "<2%" → 2 with "<"; "Ki-67 approximately
 * 80%" → 80; "15 %" → 15. Numbers written with % win over bare numbers ("25% of 500 cells" → 25); above 100 is not a
 * percentage.
 */
export function parseKi67Text(text: string): { value: number; comparator?: Comparator } | undefined {
  const cleaned = text.replace(KI67_NAME, ' ');
  const found: { value: number; comparator?: Comparator; percent: boolean }[] = [];
  for (const m of cleaned.matchAll(KI67_NUMBER)) {
    const upper = m[4] !== undefined ? Number(m[4]) : Number(m[2]);
    const comparator = m[4] === undefined ? comparatorOf(m[1]) : undefined;
    found.push({ value: upper, percent: m[3] !== undefined || m[5] !== undefined, ...(comparator ? { comparator } : {}) });
  }
  const percents = found.filter((f) => f.percent);
  const pool = (percents.length > 0 ? percents : found).filter((f) => f.value >= 0 && f.value <= 100);
  const best = pool.reduce<(typeof pool)[number] | undefined>((top, f) => (top === undefined || f.value > top.value ? f : top), undefined);
  return best ? { value: best.value, ...(best.comparator ? { comparator: best.comparator } : {}) } : undefined;
}

export function readKi67(reading: Reading, concept: Concept): ReadResult<LabFact> {
  const { carrier } = reading;
  const text = str(carrier.valueString);
  let result: ReadResult<LabFact>;
  if (typeof carrier.valueInteger === 'number') {
    // An integer Ki-67 cannot be a 0–1 fraction: it is the percentage.
    result = labFact(reading, concept, { value: carrier.valueInteger, code: '%' }, undefined);
  } else if (text !== undefined) {
    const parsed = parseKi67Text(text);
    if (!parsed) return { problem: `value "${text}" could not be read as a percentage` };
    result = labFact(reading, concept, { value: parsed.value, code: '%' }, parsed.comparator);
  } else {
    result = readLab(reading, concept);
  }
  if ('fact' in result && (result.fact.value < 0 || result.fact.value > 100)) return { problem: `value ${result.fact.value} % is not a percentage` };
  return result;
}
