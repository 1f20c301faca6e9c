import { describe, expect, it } from 'vitest';
import { fixtureSecrets, leaks } from './log-secrets.js';

describe('leaks (used by every integration service at stop)', () => {
  it('finds a patient name, a token and a resource body in a log line; passes a clean line', () => {
    const secrets = [...fixtureSecrets(), 'tok.en.value'];
    expect(fixtureSecrets()).toContain('Ashcombe');
    expect(leaks(['{"msg":"hook answered","cards":5}'], secrets)).toEqual([]);
    expect(leaks(['{"msg":"x","name":"Ashcombe"}'], secrets)).toHaveLength(1);
    expect(leaks(['{"auth":"Bearer tok.en.value"}'], secrets)).toHaveLength(1);
    expect(leaks(['{"body":{"resourceType":"Patient"}}'], secrets)[0]).toMatch(/^a resource body/);
  });
});
