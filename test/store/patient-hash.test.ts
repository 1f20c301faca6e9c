import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { patientHasher } from '../../src/store/patient-hash.js';

describe('patientHasher', () => {
  it('is HMAC-SHA256 of the patient id under the salt, the same on every call, remembered or not', () => {
    const hash = patientHasher('salt-one-0123456789');
    const expected = createHmac('sha256', 'salt-one-0123456789').update('seed-000').digest('hex');
    expect(hash('seed-000')).toBe(expected);
    expect(hash('seed-000')).toBe(expected);
    for (let i = 0; i < 2500; i++) hash(`other-${i}`); // pushes seed-000 out of the recent patients
    expect(hash('seed-000')).toBe(expected);
    expect(hash('other-2499')).toBe(createHmac('sha256', 'salt-one-0123456789').update('other-2499').digest('hex'));
  });

  it('another salt gives another hash for the same patient', () => {
    expect(patientHasher('salt-one-0123456789')('p')).not.toBe(patientHasher('salt-two-0123456789')('p'));
  });
});
