import type { Concept } from '../terminology.js';

/**
 * Unit conversion to a concept's canonical unit. The factors live here, in code, not in terminology.json (whose
 * `factor` texts are for humans); a unit this table does not know is never guessed: the caller reports it.
 */

const UCUM = 'http://unitsofmeasure.org';

/** Spellings seen in real data → the UCUM code this table works in. Keys are folded by `fold`. */
const SPELLINGS: Record<string, string> = {
  'ng/ml': 'ng/mL',
  'ug/l': 'ug/L',
  'mcg/l': 'ug/L',
  'ng/dl': 'ng/dL',
  'mg/dl': 'mg/dL',
  'umol/l': 'umol/L',
  'mmol/l': 'mmol/L',
  'nmol/l': 'nmol/L',
  kg: 'kg',
  '[lb_av]': '[lb_av]',
  lb: '[lb_av]',
  lbs: '[lb_av]',
  g: 'g',
  cm: 'cm',
  '[in_i]': '[in_i]',
  in: '[in_i]',
  m: 'm',
  '10*3/ul': '10*3/uL',
  '10^3/ul': '10*3/uL',
  'x10*3/ul': '10*3/uL',
  'x10^3/ul': '10*3/uL',
  'x10e3/ul': '10*3/uL',
  '10e3/ul': '10*3/uL',
  'k/ul': '10*3/uL',
  'thou/ul': '10*3/uL',
  '10*3/mm3': '10*3/uL',
  '10^3/mm3': '10*3/uL',
  '10*9/l': '10*9/L',
  '10^9/l': '10*9/L',
  'x10*9/l': '10*9/L',
  'x10^9/l': '10*9/L',
  'x10e9/l': '10*9/L',
  '10e9/l': '10*9/L',
  '/ul': '/uL',
  '/mm3': '/uL',
  'cells/ul': '/uL',
  '{cells}/ul': '/uL',
  'g/dl': 'g/dL',
  'g/l': 'g/L',
  'u/l': 'U/L',
  'iu/l': '[IU]/L',
  '[iu]/l': '[IU]/L',
  '%': '%',
  '1': '1',
  'ml/min/{1.73_m2}': 'mL/min/{1.73_m2}',
  'ml/min/1.73m2': 'mL/min/{1.73_m2}',
  'ml/min/1.73m^2': 'mL/min/{1.73_m2}',
  'ml/min/{1.73m2}': 'mL/min/{1.73_m2}',
  'ml/min/1.73_m2': 'mL/min/{1.73_m2}',
  'ml/min': 'mL/min',
  m2: 'm2',
  'm^2': 'm2',
};

/** Case matters here: "G/L" is giga per litre (a count), "g/L" grams per litre. */
const CASE_SENSITIVE_SPELLINGS: Record<string, string> = { 'G/L': '10*9/L' };

/** Canonical unit → units that convert to it by a fixed factor, whatever the analyte. */
const GENERIC_FACTORS: Record<string, Record<string, number>> = {
  'ng/mL': { 'ug/L': 1 },
  'ng/dL': { 'ng/mL': 100 },
  kg: { '[lb_av]': 0.45359237, g: 0.001 },
  cm: { '[in_i]': 2.54, m: 100 },
  '10*3/uL': { '10*9/L': 1, '/uL': 0.001 },
  'g/dL': { 'g/L': 0.1 },
  'U/L': { '[IU]/L': 1 },
  '%': { '1': 100 },
};

/** Molar and analyte-specific factors (molar mass differs by analyte), by concept id. */
const ANALYTE_FACTORS: Record<string, Record<string, number>> = {
  'creatinine-serum': { 'umol/L': 1 / 88.4, 'mmol/L': 1000 / 88.4 },
  'bilirubin-total': { 'umol/L': 1 / 17.1 },
  hemoglobin: { 'mmol/L': 1.611 },
  testosterone: { 'nmol/L': 28.84 },
  // Synthea reports the eGFR codes (all defined per 1.73 m²) with the unit "mL/min": the code says it is indexed.
  egfr: { 'mL/min': 1 },
};

function fold(text: string): string {
  return text.normalize('NFKC').replace(/[µμ]/g, 'u').replace(/×/g, 'x').replace(/\s+/g, '').toLowerCase();
}

/**
 * The UCUM code of a unit spelling ("µmol/L" → "umol/L", "lbs" → "[lb_av]", "K/uL" → "10*3/uL"), or undefined
 * when the spelling is not one this table knows.
 */
export function normaliseUnit(text: string | undefined): string | undefined {
  if (typeof text !== 'string') return undefined;
  // Every lab value passes here: the few spellings a record uses are folded once, not on every reading.
  if (normalised.has(text)) return normalised.get(text);
  const unit = text.trim() === '' ? undefined : (CASE_SENSITIVE_SPELLINGS[text.trim()] ?? SPELLINGS[fold(text)]);
  if (normalised.size >= MAX_REMEMBERED_SPELLINGS) normalised.clear();
  normalised.set(text, unit);
  return unit;
}

/** Unit spellings already folded (`normaliseUnit`), and how many are kept before starting again. */
const normalised = new Map<string, string | undefined>();
const MAX_REMEMBERED_SPELLINGS = 1000;
const canonicalUnits = new WeakMap<Concept, string | undefined>();

/** The concept's canonical unit (the `units` entry marked canonical), as a UCUM code. */
export function canonicalUnit(concept: Concept): string | undefined {
  if (canonicalUnits.has(concept)) return canonicalUnits.get(concept);
  const unit = concept.units?.find((u) => u.canonical)?.unit;
  const canonical = normaliseUnit(unit) ?? unit;
  canonicalUnits.set(concept, canonical);
  return canonical;
}

/** Multiply by this to go from `fromUnit` (a UCUM code from `normaliseUnit`) to the concept's canonical unit. */
export function conversionFactor(fromUnit: string, concept: Concept): number | undefined {
  const canonical = canonicalUnit(concept);
  if (!canonical) return undefined;
  if (fromUnit === canonical) return 1;
  return ANALYTE_FACTORS[concept.id]?.[fromUnit] ?? GENERIC_FACTORS[canonical]?.[fromUnit];
}

/** The parts of a FHIR Quantity the conversion reads. */
export interface QuantityLike {
  value?: number;
  unit?: string;
  code?: string;
  system?: string;
}

export type Conversion = { ok: true; value: number; unit: string } | { ok: false; reason: string; asWritten?: string };

/** Unit texts to try, best first: the UCUM code, then the human `unit` (also for SNOMED- or locally-coded units). */
function unitCandidates(q: QuantityLike): string[] {
  const out: string[] = [];
  const codeIsUcum = q.system === undefined || q.system === UCUM;
  if (codeIsUcum && typeof q.code === 'string') out.push(q.code);
  if (typeof q.unit === 'string') out.push(q.unit);
  return out;
}

/** How the unit is written, for messages: the human unit, else the code. */
function unitAsWritten(q: QuantityLike): string | undefined {
  const text = typeof q.unit === 'string' && q.unit.trim() !== '' ? q.unit : q.code;
  return typeof text === 'string' && text.trim() !== '' ? text : undefined;
}

/**
 * Converts a Quantity to the concept's canonical unit. Prefers `code` when it is UCUM (or has no system), then
 * `unit`; a unit that is missing, unknown, or of another dimension is reported, never guessed.
 * @param fallbackUnit - used when the quantity states no unit at all (a reference range that leaves its unit to the value)
 */
export function convertQuantity(q: QuantityLike, concept: Concept, fallbackUnit?: QuantityLike): Conversion {
  if (typeof q.value !== 'number' || !Number.isFinite(q.value)) return { ok: false, reason: 'no numeric value' };
  const canonical = canonicalUnit(concept);
  const source = unitCandidates(q).length > 0 ? q : fallbackUnit;
  const candidates = source ? unitCandidates(source) : [];
  const asWritten = source ? unitAsWritten(source) : undefined;
  if (!canonical) return { ok: false, reason: `no canonical unit for ${concept.id}`, ...(asWritten ? { asWritten } : {}) };
  if (candidates.length === 0) return { ok: false, reason: 'no unit given' };
  let known: string | undefined;
  for (const candidate of candidates) {
    const unit = normaliseUnit(candidate);
    if (!unit) continue;
    known ??= unit;
    const factor = conversionFactor(unit, concept);
    if (factor !== undefined) return { ok: true, value: q.value * factor, unit: canonical };
  }
  return known
    ? { ok: false, reason: `unit "${asWritten}" cannot be converted to ${canonical}`, ...(asWritten ? { asWritten } : {}) }
    : { ok: false, reason: `unknown unit "${asWritten}"`, ...(asWritten ? { asWritten } : {}) };
}
