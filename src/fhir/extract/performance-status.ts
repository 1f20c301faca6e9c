import type { CodeableConcept } from 'fhir/r4.js';
import type { Fact } from '../../engine/picture.js';
import { codingKey } from '../terminology.js';
import { type Carrier, codingsOf, isObject, LOINC, provenance, type Reading, type ReadResult, str } from './observation-reading.js';

/** LOINC answers LL529-9: ECOG 0 … 5. */
const ECOG_ANSWERS: Record<string, number> = { 'LA9622-7': 0, 'LA9623-5': 1, 'LA9624-3': 2, 'LA9625-0': 3, 'LA9626-8': 4, 'LA9627-6': 5 };

function ecogAnswer(concepts: (CodeableConcept | undefined)[]): number | undefined {
  for (const cc of concepts) {
    for (const coding of codingsOf(cc)) {
      const key = codingKey(coding.system, coding.code);
      const score = key?.startsWith(`${LOINC}|`) ? ECOG_ANSWERS[key.slice(LOINC.length + 1)] : undefined;
      if (score !== undefined) return score;
    }
  }
  return undefined;
}

function numberOf(carrier: Carrier): number | undefined {
  if (typeof carrier.valueInteger === 'number') return carrier.valueInteger;
  if (isObject(carrier.valueQuantity) && typeof carrier.valueQuantity.value === 'number') return carrier.valueQuantity.value;
  const text = str(carrier.valueString);
  const m = text !== undefined ? /^\s*(?:ecog|karnofsky|kps)?\s*:?\s*(\d+)\s*%?\s*$/i.exec(text) : null;
  return m ? Number(m[1]) : undefined;
}

export function readEcog(reading: Reading): ReadResult<Fact<number>> {
  const { carrier } = reading;
  const score = numberOf(carrier) ?? ecogAnswer([carrier.valueCodeableConcept, ...(Array.isArray(carrier.interpretation) ? carrier.interpretation : [])]);
  if (score === undefined) return { problem: 'no ECOG score in the value' };
  if (!Number.isInteger(score) || score < 0 || score > 5) return { problem: `ECOG ${score} is not a score 0–5` };
  return { fact: { value: score, ...provenance(reading) } };
}

/** Karnofsky → ECOG: 90–100 → 0, 70–80 → 1, 50–60 → 2, 30–40 → 3, 10–20 → 4, 0 → 5. */
export function karnofskyToEcog(karnofsky: number): number {
  if (karnofsky >= 90) return 0;
  if (karnofsky >= 70) return 1;
  if (karnofsky >= 50) return 2;
  if (karnofsky >= 30) return 3;
  if (karnofsky >= 10) return 4;
  return 5;
}

export function readKarnofsky(reading: Reading): ReadResult<Fact<number>> {
  const kps = numberOf(reading.carrier);
  if (kps === undefined) return { problem: 'no Karnofsky score in the value' };
  if (kps < 0 || kps > 100) return { problem: `Karnofsky ${kps} is not a score 0–100` };
  // Fact has no note field: the unit carries the basis so the card can say the ECOG was mapped.
  return { fact: { value: karnofskyToEcog(kps), unit: `ECOG mapped from Karnofsky ${kps} %`, ...provenance(reading) } };
}
