import type { DraftOrder, PatientPicture, Therapy } from '../picture.js';

/**
 * Regimens by co-occurrence (rules.md §3): "platinum + etoposide" and "oxaliplatin/irinotecan + fluoropyrimidine"
 * when both are in the same draft set or given within one cycle window; past platinum–etoposide counts only after
 * the NEC diagnosis date (a BEP for an old germ-cell tumour does not count).
 */

const DAY = 86_400_000;
const time = (date: string | undefined) => (date ? Date.parse(date) : Number.NaN);

export interface RegimenStatus {
  current: Therapy[];
  drafted: DraftOrder[];
  /** Past pairs (platinum, etoposide) given within the window of each other, after `since`. */
  past: Therapy[];
  /** Date of the last past course, for the platinum-free interval. */
  lastGiven?: string;
}

function within(a: Therapy, b: Therapy, windowDays: number): boolean {
  const ta = time(a.lastDate ?? a.date);
  const tb = time(b.lastDate ?? b.date);
  return !Number.isNaN(ta) && !Number.isNaN(tb) && Math.abs(ta - tb) <= windowDays * DAY;
}

/**
 * Platinum–etoposide: current (both current), drafted (both in the drafts, or one drafted with the other current),
 * or past (a platinum and an etoposide given within the window of each other, after `since`).
 * @param picture - the patient picture
 * @param windowDays - the cycle window (rules.md: 21 days, configurable)
 * @param since - the NEC diagnosis date: earlier courses do not count (undefined: all count)
 */
export function platinumEtoposide(picture: PatientPicture, windowDays: number, since?: string): RegimenStatus {
  const platinum = picture.therapies.filter((t) => t.classes.includes('PLATINUM'));
  const etoposide = picture.therapies.filter((t) => t.classes.includes('ETOPOSIDE'));
  const draftPlatinum = picture.draftOrders.filter((d) => d.classes.includes('PLATINUM'));
  const draftEtoposide = picture.draftOrders.filter((d) => d.classes.includes('ETOPOSIDE'));

  const currentPlatinum = platinum.filter((t) => t.status === 'current');
  const currentEtoposide = etoposide.filter((t) => t.status === 'current');
  const current = currentPlatinum.length > 0 && currentEtoposide.length > 0 ? [...currentPlatinum, ...currentEtoposide] : [];
  const drafted =
    (draftPlatinum.length > 0 || currentPlatinum.length > 0) &&
    (draftEtoposide.length > 0 || currentEtoposide.length > 0) &&
    draftPlatinum.length + draftEtoposide.length > 0
      ? [...draftPlatinum, ...draftEtoposide]
      : [];

  const sinceTime = since ? time(since) : Number.NEGATIVE_INFINITY;
  const after = (t: Therapy) => !(time(t.lastDate ?? t.date) < sinceTime);
  const past = platinum.filter(after).flatMap((p) =>
    etoposide
      .filter(after)
      .filter((e) => within(p, e, windowDays))
      .flatMap((e) => [p, e]),
  );
  const unique = [...new Set(past)];
  const lastGiven = unique
    .map((t) => t.lastDate ?? t.date)
    .filter((d): d is string => Boolean(d))
    .sort()
    .at(-1);
  return { current, drafted, past: unique, ...(lastGiven ? { lastGiven } : {}) };
}

/**
 * A colorectal regimen in the drafts: oxaliplatin or irinotecan together with fluorouracil or capecitabine. The whole
 * draft set counts (a regimen is ordered as several drafts), so callers check that one of them is in scope.
 */
export function draftedColorectalRegimen(drafts: readonly DraftOrder[]): DraftOrder[] {
  const backbone = drafts.filter((d) => d.drug === 'oxaliplatin' || d.drug === 'irinotecan');
  const fluoropyrimidine = drafts.filter((d) => d.drug === 'fluorouracil' || d.drug === 'capecitabine');
  return backbone.length > 0 && fluoropyrimidine.length > 0 ? [...backbone, ...fluoropyrimidine] : [];
}
