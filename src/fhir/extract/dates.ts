/** FHIR date, dateTime or instant: YYYY, YYYY-MM, YYYY-MM-DD, or a date with a time and zone. */
const FHIR_DATE =
  /^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01])(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)?)?)?)?$/;

/**
 * A clinical date as the record gives it, or undefined when it is not a real date ("2026-13-45", "0000-00-00",
 * "urn:uuid:…"): a fact is never dated, nor sorted, by something that is not a date.
 * @param value - a date, dateTime or instant field as it arrived
 */
export function clinicalDate(value: unknown): string | undefined {
  if (typeof value !== 'string' || !FHIR_DATE.test(value)) return undefined;
  const year = Number(value.slice(0, 4));
  return year >= 1800 && !Number.isNaN(Date.parse(value.length === 4 ? `${value}-01-01` : value.length === 7 ? `${value}-01` : value)) ? value : undefined;
}
