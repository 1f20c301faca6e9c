import type { LabFact } from '../../engine/picture.js';
import { codeText, comparatorOf, isObject, parseNumberString, provenance, type Reading, type ReadResult, str } from './observation-reading.js';

/** Unit strings of a mitotic count: the WHO 2019 area, the older field count, or neither stated. */
export const MITOSES_UNITS = { per2mm2: 'per 2 mm²', per10Hpf: 'per 10 HPF', perMm2: 'per mm²', notStated: 'unit not stated' } as const;

function mitosesUnit(texts: (string | undefined)[]): string | undefined {
  const text = texts.filter(Boolean).join(' ');
  if (/10\s*\.?\s*\[?\s*(?:hpf|high[\s-]power)/i.test(text)) return MITOSES_UNITS.per10Hpf;
  if (/2\s*\.?\s*mm\s*(?:2|²|\^2)/i.test(text)) return MITOSES_UNITS.per2mm2;
  if (/mm\s*(?:2|²|\^2)/i.test(text)) return MITOSES_UNITS.perMm2;
  return undefined;
}

/** A count, not a conversion: the value is kept and the unit says what it was counted over. */
export function readMitoses(reading: Reading): ReadResult<LabFact> {
  const { carrier } = reading;
  const q = isObject(carrier.valueQuantity) ? carrier.valueQuantity : undefined;
  const text = str(carrier.valueString);
  const parsed = text !== undefined ? parseNumberString(text) : undefined;
  const value = typeof q?.value === 'number' ? q.value : typeof carrier.valueInteger === 'number' ? carrier.valueInteger : parsed?.value;
  if (value === undefined) return { problem: 'value is not a number' };
  const written = q ? (str(q.unit) ?? str(q.code)) : parsed?.unit;
  const countOnly = written === undefined || /^(?:1|\{[^}]*\}|mitoses|mitotic figures)$/i.test(written.trim());
  const unit = mitosesUnit([written, codeText(carrier.code)]) ?? (countOnly ? MITOSES_UNITS.notStated : undefined);
  if (!unit) return { problem: `unknown unit "${written}"` };
  const comparator = comparatorOf(q?.comparator) ?? parsed?.comparator;
  return { fact: { value, unit, ...provenance(reading), ...(comparator ? { comparator } : {}) } };
}
