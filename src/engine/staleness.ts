import type { Provenance } from './picture.js';

const DAY = 86_400_000;

/**
 * Whole days between a fact's date and the hook's time, or undefined when the fact has no usable date.
 * @param fact - anything with a clinical date
 * @param now - time of the hook call
 */
export function ageInDays(fact: Pick<Provenance, 'date'>, now: Date): number | undefined {
  const at = fact.date ? Date.parse(fact.date) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.floor((now.getTime() - at) / DAY);
}

/**
 * Stale: older than `maxDays` at the hook's time, or undated (a value of unknown age is never treated as current).
 * @param fact - anything with a clinical date
 * @param now - time of the hook call
 * @param maxDays - how old it may be (7 for doses and pre-cycle labs in rules.md)
 */
export function isStale(fact: Pick<Provenance, 'date'>, now: Date, maxDays: number): boolean {
  const days = ageInDays(fact, now);
  return days === undefined || days > maxDays;
}

/** "1.1 mg/dL on 2026-01-04 (323 days old)": a value as a card cites it, its age said when it is stale. */
export function describeDated(value: string, fact: Pick<Provenance, 'date'>, now: Date, maxDays: number): string {
  const days = ageInDays(fact, now);
  if (days === undefined) return `${value} (date not recorded)`;
  const on = `${value} on ${fact.date?.slice(0, 10)}`;
  return days > maxDays ? `${on} (older than ${maxDays} days)` : on;
}
