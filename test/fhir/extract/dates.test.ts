import { describe, expect, it } from 'vitest';
import { clinicalDate } from '../../../src/fhir/extract/dates.js';

describe('clinicalDate', () => {
  it.each(['2026', '2026-11', '2026-11-23', '2026-11-23T09:00:00Z', '2026-11-23T09:00:00.123+01:00', '2003-04-07T06:01:37+00:00'])('%s is a date', (value) => {
    expect(clinicalDate(value)).toBe(value);
  });
  it.each(['2026-13-45', '0000-00-00', '2026-02-30x', 'urn:uuid:1234', '9999-12-31T99:99:99Z', '', 'yesterday', 20261123, null, {}])('%j is not', (value) => {
    expect(clinicalDate(value)).toBeUndefined();
  });
});
