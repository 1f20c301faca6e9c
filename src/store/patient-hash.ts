import { createHmac, randomBytes } from 'node:crypto';

/**
 * Patients are stored only as HMAC-SHA256(salt, patient id): enough to snooze a card for the same patient, nothing
 * that names one. Without the salt the hash cannot be matched to a patient id by trying ids.
 */
export type PatientHasher = (patientId: string) => string;

export function patientHasher(salt: string): PatientHasher {
  return (patientId) => createHmac('sha256', salt).update(patientId).digest('hex');
}

/** A salt for one run of the service when none is configured (development): snoozes then last until restart. */
export function randomSalt(): string {
  return randomBytes(32).toString('hex');
}
