import { createHmac, randomBytes } from 'node:crypto';

/**
 * Patients are stored only as HMAC-SHA256(salt, patient id): enough to snooze a card for the same patient, nothing
 * that names one. Without the salt the hash cannot be matched to a patient id by trying ids.
 */
export type PatientHasher = (patientId: string) => string;

/** Hashes of the patients seen lately, kept in memory (only there): a chart is opened, then ordered on, within minutes. */
const RECENT_PATIENTS = 1000;

export function patientHasher(salt: string): PatientHasher {
  const recent = new Map<string, string>();
  return (patientId) => {
    let hash = recent.get(patientId);
    if (hash === undefined) {
      hash = createHmac('sha256', salt).update(patientId).digest('hex');
      if (recent.size >= RECENT_PATIENTS) recent.delete(recent.keys().next().value as string);
      recent.set(patientId, hash);
    }
    return hash;
  };
}

/** A salt for one run of the service when none is configured (development): snoozes then last until restart. */
export function randomSalt(): string {
  return randomBytes(32).toString('hex');
}
