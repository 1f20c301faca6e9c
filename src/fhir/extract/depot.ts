import type { Timing } from 'fhir/r4.js';

/** A depot's schedule: next dose due after `intervalDays`; still current up to `upperDays` (+ grace). */
export interface DepotWindow {
  intervalDays: number;
  upperDays: number;
  /** How the interval was told: product text, dose, or dosage timing. */
  basis: 'product' | 'instructions' | 'dose' | 'timing';
}

export const WINDOWS = {
  month1: { intervalDays: 28, upperDays: 28 },
  month3: { intervalDays: 84, upperDays: 91 },
  month4: { intervalDays: 112, upperDays: 120 },
  month6: { intervalDays: 168, upperDays: 180 },
  year: { intervalDays: 365, upperDays: 365 },
} as const;
type WindowName = keyof typeof WINDOWS;

/** Drugs given as depots, and the interval their dose (mg) implies. */
export const DEPOT_DOSES: Record<string, Record<string, WindowName>> = {
  leuprolide: { '3.75': 'month1', '7.5': 'month1', '15': 'month1', '11.25': 'month3', '22.5': 'month3', '30': 'month4', '45': 'month6' },
  goserelin: { '3.6': 'month1', '10.8': 'month3' },
  triptorelin: { '3.75': 'month1', '11.25': 'month3', '22.5': 'month6' },
  // 240 mg is the loading dose (as 2 × 120 mg); the 80 mg maintenance dose follows 28 days later, then monthly.
  degarelix: { '80': 'month1', '120': 'month1', '240': 'month1' },
  histrelin: {},
  octreotide: { '10': 'month1', '20': 'month1', '30': 'month1', '40': 'month1' },
  lanreotide: { '60': 'month1', '90': 'month1', '120': 'month1' },
  pasireotide: { '10': 'month1', '20': 'month1', '40': 'month1', '60': 'month1' },
};

/** Interval words, longest first so "12 months" is not read as "2 months". */
const INTERVAL_TEXT: { window: WindowName; re: RegExp }[] = [
  {
    window: 'year',
    re: /\b(?:12|twelve)[-\s]?months?\b|\b(?:annual(?:ly)?|yearly|once a year)\b|\bevery\s+(?:12\s+months|year)\b|\b(?:q|every\s+)?52\s?w(?:ee)?ks?\b/i,
  },
  {
    window: 'month6',
    re: /\b(?:6|six)[-\s]?months?\b|\bq\s?6\s?mo(?:nths?)?\b|\b(?:q|every\s+)24\s?w(?:ee)?ks?\b|\bq\s?24\s?w\b|\bevery\s+(?:6|six)\s+months\b/i,
  },
  {
    window: 'month4',
    re: /\b(?:4|four)[-\s]?months?\b|\bq\s?4\s?mo(?:nths?)?\b|\b(?:q|every\s+)16\s?w(?:ee)?ks?\b|\bq\s?16\s?w\b|\bevery\s+(?:4|four)\s+months\b/i,
  },
  {
    window: 'month3',
    re: /\b(?:3|three)[-\s]?months?\b|\bq\s?3\s?mo(?:nths?)?\b|\b(?:q|every\s+)12\s?w(?:ee)?ks?\b|\bq\s?12\s?w\b|\bevery\s+(?:3|three)\s+months\b|\bquarterly\b/i,
  },
  {
    window: 'month1',
    re: /\b(?:1|one)[-\s]?month\b|\bmonthly\b|\bq\s?4\s?w(?:ee)?ks?\b|\bq\s?28\s?d(?:ays?)?\b|\bevery\s+(?:4\s+weeks|28\s+days|month)\b|\bq\s?(?:1\s?)?mo(?:nth)?\b/i,
  },
];

function windowFromText(texts: string[]): WindowName | undefined {
  for (const text of texts) {
    for (const { window, re } of INTERVAL_TEXT) if (re.test(text)) return window;
  }
  return undefined;
}

const UNIT_DAYS: Record<string, number> = { d: 1, wk: 7, mo: 30.4, a: 365 };

/** Interval from structured timing (`repeat.period` / `periodUnit`, once per period). */
export function windowFromTiming(timings: Timing[]): WindowName | undefined {
  for (const timing of timings) {
    const repeat = timing.repeat;
    const period = repeat?.period;
    const unitDays = repeat?.periodUnit ? UNIT_DAYS[repeat.periodUnit] : undefined;
    if (typeof period !== 'number' || !unitDays || (repeat?.frequency ?? 1) !== 1) continue;
    const days = period * unitDays;
    if (days >= 21 && days <= 35) return 'month1';
    if (days >= 77 && days <= 98) return 'month3';
    if (days >= 105 && days <= 126) return 'month4';
    if (days >= 160 && days <= 190) return 'month6';
    if (days >= 330 && days <= 400) return 'year';
  }
  return undefined;
}

/** The per-dose amount in mg a product text states ("0.375 ML leuprolide 60 MG/ML" → 22.5; "Lupron Depot 22.5 mg"). */
export function strengthMg(text: string): number | undefined {
  const perMl = /(\d+(?:\.\d+)?)\s*ML\b[^\d]*?(\d+(?:\.\d+)?)\s*MG\s*\/\s*ML\b/i.exec(text);
  if (perMl) return Math.round(Number(perMl[1]) * Number(perMl[2]) * 1000) / 1000;
  const mg = /(\d+(?:\.\d+)?)\s*MG\b(?!\s*\/)/i.exec(text);
  return mg ? Number(mg[1]) : undefined;
}

/**
 * The depot window of a product, read from the product text ("3-Month", "every 3 months", "q12w"), the dosage
 * instructions' text, the dose (leuprolide 22.5 mg → 3-month) and the dosage timing, in that order.
 * @returns undefined for a drug that is not given as a depot, or when the interval cannot be told
 */
export function depotWindow(
  drug: string,
  input: { productTexts: string[]; instructionTexts: string[]; doseMg?: number; timings: Timing[] },
): DepotWindow | undefined {
  const doses = DEPOT_DOSES[drug];
  if (!doses) return undefined;
  if (drug === 'histrelin') return { ...WINDOWS.year, basis: 'product' };
  const fromProduct = windowFromText(input.productTexts);
  if (fromProduct) return { ...WINDOWS[fromProduct], basis: 'product' };
  const fromInstructions = windowFromText(input.instructionTexts);
  if (fromInstructions) return { ...WINDOWS[fromInstructions], basis: 'instructions' };
  const mg = input.doseMg ?? input.productTexts.map(strengthMg).find((v) => v !== undefined);
  const fromDose = mg === undefined ? undefined : doses[String(mg)];
  if (fromDose) return { ...WINDOWS[fromDose], basis: 'dose' };
  const fromTiming = windowFromTiming(input.timings);
  if (fromTiming) return { ...WINDOWS[fromTiming], basis: 'timing' };
  return undefined;
}
