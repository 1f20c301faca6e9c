import type { Patient } from 'fhir/r4.js';
import type { Fact, Maybe, PatientPicture } from '../../engine/picture.js';
import type { ResourceSet } from '../resources.js';

/**
 * Whole years between a birth date and the hook's time. A partial birth date (year, or year-month) gives the
 * youngest age it allows, so a threshold such as "age ≥ 70" is never met early.
 */
export function ageAt(birthDate: string, now: Date): number | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(birthDate);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) : 12;
  const day = m[3] ? Number(m[3]) : 31;
  let age = now.getUTCFullYear() - year;
  const beforeBirthday = now.getUTCMonth() + 1 < month || (now.getUTCMonth() + 1 === month && now.getUTCDate() < day);
  if (beforeBirthday) age--;
  return age >= 0 && age < 150 ? age : undefined;
}

/**
 * Age at the hook's time and administrative sex, from the Patient resource of the call.
 * @param set - the call's resources
 * @param patientId - `context.patientId`
 * @param now - time of the hook call
 */
export function extractDemographics(set: ResourceSet, patientId: string, now: Date): Pick<PatientPicture, 'age' | 'sex'> {
  const patient = set.get(`Patient/${patientId}`) as Patient | undefined;
  if (!patient) {
    const missing = { missing: true as const, reason: 'the Patient resource could not be read' };
    return { age: missing, sex: missing };
  }
  const sources = [`Patient/${patientId}`];
  // A deceased patient's age stops at death.
  const deceased =
    typeof patient.deceasedDateTime === 'string' && !Number.isNaN(Date.parse(patient.deceasedDateTime)) ? new Date(patient.deceasedDateTime) : undefined;
  const at = deceased && deceased < now ? deceased : now;
  const years = typeof patient.birthDate === 'string' ? ageAt(patient.birthDate, at) : undefined;
  const age: Maybe<number> =
    years === undefined ? { missing: true, reason: 'no usable birth date recorded' } : { value: years, unit: 'a', date: patient.birthDate, sources };
  const gender = patient.gender;
  const sex: Maybe<Fact<'male' | 'female' | 'other' | 'unknown'>['value']> =
    gender === 'male' || gender === 'female' || gender === 'other' || gender === 'unknown'
      ? { value: gender, sources }
      : { missing: true, reason: 'no administrative sex recorded' };
  return { age, sex };
}
