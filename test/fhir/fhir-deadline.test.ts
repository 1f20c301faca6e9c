import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { FhirDeadline } from '../../src/fhir/prefetch.js';

describe('FhirDeadline', () => {
  it('its budget runs from its creation, even when the signal is first asked for later', async () => {
    const deadline = new FhirDeadline(20);
    await sleep(40);
    expect(deadline.signal.aborted).toBe(true);
  });

  it('aborts at the end of its budget, not before', async () => {
    const deadline = new FhirDeadline(30);
    const { signal } = deadline;
    expect(signal.aborted).toBe(false);
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    expect(signal.aborted).toBe(true);
    deadline.end(new Error('answered'));
    expect((signal.reason as Error).name).toBe('AbortError'); // the deadline's own reason stays
  });

  it('end() stops what is running with the reason given, and is harmless when no query ever asked for the signal', () => {
    const asked = new FhirDeadline(10_000);
    const { signal } = asked;
    const answered = new Error('answered');
    asked.end(answered);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(answered);

    const unused = new FhirDeadline(10_000);
    expect(() => unused.end(answered)).not.toThrow();
  });
});
