import type { Fact, LabFact, Maybe, Therapy } from '../picture.js';
import { isKnown } from '../picture.js';

/**
 * rules.md §1, castration resistance: a coded status (Z19.2 hormone resistant, "hormone refractory prostate cancer"),
 * or PCWG3 PSA progression on androgen deprivation — PSA ≥ 25 % and ≥ 2 ng/mL above the nadir, confirmed by a
 * value ≥ 3 weeks later, with testosterone < 50 ng/dL when measured — or radiographic progression on ADT.
 * Bilateral orchiectomy counts as permanent castration.
 */

export type CastrationStatus = Maybe<boolean, Fact<boolean> & { basis: string }>;

export interface CastrationInput {
  /** A Condition coding hormone-resistant status (true) or hormone-sensitive status (false). */
  codedStatus?: Fact<boolean> & { display: string };
  /** PSA values (any order), ng/mL. */
  psa: readonly LabFact[];
  testosterone: Maybe<number, LabFact>;
  /** ADT therapies, current and past (start of castration = the earliest). */
  adt: readonly Therapy[];
  /** Date of a bilateral orchiectomy, when one is on record. */
  orchiectomy?: Fact<string>;
  /** Radiographic progression (disease status "progressing"), when recorded. */
  progression?: Fact<string>;
}

const DAY = 86_400_000;
const CASTRATE_TESTOSTERONE_NG_DL = 50;

function time(date: string | undefined): number {
  return date ? Date.parse(date) : Number.NaN;
}

/** PCWG3: the first PSA rise ≥ 25 % and ≥ 2 ng/mL over the running nadir that a value ≥ 21 days later confirms. */
export function pcwg3PsaProgression(psa: readonly LabFact[], since: number): { nadir: LabFact; rise: LabFact; confirm: LabFact } | undefined {
  const series = psa.filter((p) => time(p.date) >= since && p.comparator === undefined).sort((a, b) => time(a.date) - time(b.date));
  let nadir: LabFact | undefined;
  for (let i = 0; i < series.length; i++) {
    const value = series[i] as LabFact;
    if (!nadir || value.value < nadir.value) {
      nadir = value;
      continue;
    }
    const threshold = Math.max(nadir.value * 1.25, nadir.value + 2);
    if (value.value < threshold) continue;
    const confirm = series.slice(i + 1).find((later) => time(later.date) - time(value.date) >= 21 * DAY && later.value >= threshold);
    if (confirm) return { nadir, rise: value, confirm };
  }
  return undefined;
}

/**
 * Decides castration resistance from the facts, saying on what basis.
 * @param input - coded status, PSA series, testosterone, ADT history, orchiectomy, radiographic progression
 */
export function classifyCastration(input: CastrationInput): CastrationStatus {
  if (input.codedStatus) {
    const { value, display, date, sources } = input.codedStatus;
    return { value, basis: `recorded: ${display}`, date, sources };
  }
  const starts = [...input.adt.map((t) => t.date), input.orchiectomy?.value].map(time).filter((t) => !Number.isNaN(t));
  if (starts.length === 0) return { missing: true, reason: 'no androgen deprivation or orchiectomy on record: castration resistance cannot be assessed' };
  const since = Math.min(...starts);
  const adtSources = [...input.adt.flatMap((t) => t.sources), ...(input.orchiectomy?.sources ?? [])];

  if (isKnown(input.testosterone) && input.testosterone.value >= CASTRATE_TESTOSTERONE_NG_DL) {
    return {
      missing: true,
      reason: `testosterone ${input.testosterone.value} ng/dL on ${input.testosterone.date ?? 'an unknown date'} is not at castrate level (< 50 ng/dL)`,
    };
  }
  const progression = pcwg3PsaProgression(input.psa, since);
  if (progression) {
    const { nadir, rise, confirm } = progression;
    return {
      value: true,
      basis: `PCWG3 PSA progression on androgen deprivation: nadir ${nadir.value} ng/mL (${nadir.date?.slice(0, 10)}), ${rise.value} ng/mL (${rise.date?.slice(0, 10)}), confirmed ${confirm.value} ng/mL (${confirm.date?.slice(0, 10)})`,
      date: confirm.date,
      sources: [...new Set([...adtSources, ...nadir.sources, ...rise.sources, ...confirm.sources])],
    };
  }
  if (input.progression && time(input.progression.date) >= since) {
    return {
      value: true,
      basis: `radiographic progression on androgen deprivation (${input.progression.value})`,
      date: input.progression.date,
      sources: [...new Set([...adtSources, ...input.progression.sources])],
    };
  }
  const onAdt = input.psa.filter((p) => time(p.date) >= since);
  if (onAdt.length < 2)
    return { missing: true, reason: 'fewer than two PSA values since androgen deprivation began: castration resistance cannot be assessed' };
  return {
    value: false,
    basis: 'on androgen deprivation without PCWG3 PSA progression or radiographic progression',
    date: onAdt[0]?.date,
    sources: [...new Set([...adtSources, ...onAdt.flatMap((p) => p.sources)])],
  };
}
