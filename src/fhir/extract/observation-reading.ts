import type { CodeableConcept, Coding, ObservationReferenceRange, Quantity } from 'fhir/r4.js';
import type { Fact, LabFact, Maybe } from '../../engine/picture.js';
import type { Concept } from '../terminology.js';
import { convertQuantity, type QuantityLike } from './units.js';

export const LOINC = 'http://loinc.org';

/** Observation and ObservationComponent share the value and reference range elements. */
export interface Carrier {
  code?: CodeableConcept;
  valueQuantity?: Quantity;
  valueInteger?: number;
  valueString?: string;
  valueCodeableConcept?: CodeableConcept;
  referenceRange?: ObservationReferenceRange[];
  interpretation?: CodeableConcept[];
}

export interface Reading {
  carrier: Carrier;
  ref: string;
  date?: string;
  /** Sort keys, ms since epoch; undated readings sort last. */
  time: number;
  issued: number;
}

export const isObject = <T>(value: T | null | undefined): value is T => value !== null && typeof value === 'object';
export const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

const isObjectItem = (value: unknown): boolean => isObject(value);

/** The object items of `cc.coding` (the list itself when it holds nothing else: read it, do not change it). */
export function codingsOf(cc: CodeableConcept | undefined): Coding[] {
  if (!isObject(cc) || !Array.isArray(cc.coding)) return [];
  return cc.coding.every(isObjectItem) ? cc.coding : cc.coding.filter(isObject);
}

export function codeText(cc: CodeableConcept | undefined): string {
  if (!isObject(cc)) return '';
  return [cc.text, ...codingsOf(cc).map((c) => c.display)].filter((t): t is string => typeof t === 'string').join(' | ');
}

const COMPARATORS = new Set(['<', '<=', '>', '>=']);
export type Comparator = NonNullable<LabFact['comparator']>;

export function comparatorOf(text: string | undefined): Comparator | undefined {
  if (text === '≤') return '<=';
  if (text === '≥') return '>=';
  return text !== undefined && COMPARATORS.has(text) ? (text as Comparator) : undefined;
}

/** "< 0.1 ng/mL", "7.2" → number, comparator and the unit text after it. */
export function parseNumberString(text: string): { value: number; comparator?: Comparator; unit?: string } | undefined {
  const m = /^\s*(<=|>=|≤|≥|<|>)?\s*(\d+(?:\.\d+)?|\.\d+)\s*(\S.*)?$/.exec(text);
  if (!m) return undefined;
  const comparator = comparatorOf(m[1]);
  return { value: Number(m[2]), ...(comparator ? { comparator } : {}), ...(m[3] ? { unit: m[3].trim() } : {}) };
}

export function when(reading: Reading): string {
  return reading.date ?? 'undated';
}

/** What a reading gives: a fact, or the reason it cannot be used. */
export type ReadResult<F> = { fact: F } | { problem: string };

export function latest<T, F extends Fact<T>>(readings: Reading[] | undefined, label: string, read: (r: Reading) => ReadResult<F>): Maybe<T, F> {
  const [newest, ...older] = readings ?? [];
  if (!newest) return { missing: true, reason: `no ${label} recorded` };
  const result = read(newest);
  if ('fact' in result) return result.fact;
  let olderNote = '';
  for (const reading of older) {
    const r = read(reading);
    if ('fact' in r) {
      olderNote = `; the older value ${String(r.fact.value)}${r.fact.unit ? ` ${r.fact.unit}` : ''} of ${when(reading)} is not used`;
      break;
    }
  }
  return { missing: true, reason: `latest ${label} (${when(newest)}, ${newest.ref}): ${result.problem}${olderNote}` };
}

export function provenance(reading: Reading): { sources: string[]; date?: string } {
  return { sources: [reading.ref], ...(reading.date !== undefined ? { date: reading.date } : {}) };
}

function isNormalRange(range: ObservationReferenceRange): boolean {
  const codes = codingsOf(range.type).map((c) => c.code);
  return codes.length === 0 || codes.includes('normal');
}

/** Reference range limits in the canonical unit; a limit without a unit is in the value's unit. */
function referenceLimits(carrier: Carrier, concept: Concept): Pick<LabFact, 'referenceHigh' | 'referenceLow'> {
  const ranges = Array.isArray(carrier.referenceRange) ? carrier.referenceRange.filter(isObject) : [];
  const range = ranges.find(isNormalRange);
  if (!range) return {};
  const valueUnit = isObject(carrier.valueQuantity) ? carrier.valueQuantity : undefined;
  const limit = (q: Quantity | undefined) => {
    if (!isObject(q)) return undefined;
    const c = convertQuantity(q, concept, valueUnit);
    return c.ok ? c.value : undefined;
  };
  const high = limit(range.high);
  const low = limit(range.low);
  return { ...(high !== undefined ? { referenceHigh: high } : {}), ...(low !== undefined ? { referenceLow: low } : {}) };
}

export function labFact(reading: Reading, concept: Concept, quantity: QuantityLike, comparator: Comparator | undefined): ReadResult<LabFact> {
  const converted = convertQuantity(quantity, concept);
  if (!converted.ok) return { problem: converted.reason };
  return {
    fact: {
      value: converted.value,
      unit: converted.unit,
      ...provenance(reading),
      ...referenceLimits(reading.carrier, concept),
      ...(comparator ? { comparator } : {}),
    },
  };
}

export function readLab(reading: Reading, concept: Concept): ReadResult<LabFact> {
  const { carrier } = reading;
  if (isObject(carrier.valueQuantity) && typeof carrier.valueQuantity.value === 'number') {
    return labFact(reading, concept, carrier.valueQuantity, comparatorOf(carrier.valueQuantity.comparator));
  }
  if (typeof carrier.valueInteger === 'number') return { problem: `value ${carrier.valueInteger} has no unit` };
  const text = str(carrier.valueString);
  if (text !== undefined) {
    const parsed = parseNumberString(text);
    if (!parsed) return { problem: `value "${text}" is not a number` };
    if (parsed.unit === undefined) return { problem: `value "${text}" has no unit` };
    return labFact(reading, concept, { value: parsed.value, unit: parsed.unit }, parsed.comparator);
  }
  return { problem: 'value is not a number' };
}
