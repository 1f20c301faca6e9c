import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadFhirSandboxConfig } from '../src/config.js';

const trusted = JSON.stringify([{ iss: 'https://ehr.example.org', jwksUrl: 'https://ehr.example.org/jwks.json' }]);

describe('loadConfig', () => {
  it('defaults: port 3000, auth required, audiences on localhost and 127.0.0.1', () => {
    const config = loadConfig({ CDS_TRUSTED_CLIENTS: trusted });
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      auth: { required: true, publicBaseUrls: ['http://localhost:3000', 'http://127.0.0.1:3000'], clockSkewSeconds: 60 },
      fhir: { timeoutMs: 4000, pageCap: 20 },
    });
  });

  it('auth required without trusted clients stops start-up with a message naming the variable', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({})).toThrow(/CDS_TRUSTED_CLIENTS: required when CDS_AUTH=required/);
  });

  it('CDS_AUTH=disabled needs no trusted clients', () => {
    expect(loadConfig({ CDS_AUTH: 'disabled' }).auth.required).toBe(false);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT: /],
    [{ CDS_AUTH: 'maybe' }, /CDS_AUTH: /],
    [{ CDS_TRUSTED_CLIENTS: 'not json' }, /CDS_TRUSTED_CLIENTS: CDS_TRUSTED_CLIENTS is not valid JSON/],
    [{ CDS_TRUSTED_CLIENTS: '[{"iss":"x"}]' }, /CDS_TRUSTED_CLIENTS\.0/],
    [{ PUBLIC_BASE_URLS: 'not a url', CDS_AUTH: 'disabled' }, /PUBLIC_BASE_URLS\.0/],
    [{ FHIR_PAGE_CAP: '0', CDS_AUTH: 'disabled' }, /FHIR_PAGE_CAP: /],
  ])('a bad value (%o) names the variable', (env, message) => {
    expect(() => loadConfig({ CDS_TRUSTED_CLIENTS: trusted, ...env })).toThrow(message);
  });

  it('PUBLIC_BASE_URLS: comma list, trailing slashes dropped', () => {
    const config = loadConfig({ CDS_TRUSTED_CLIENTS: trusted, PUBLIC_BASE_URLS: 'https://cds.example.org/, https://cds-alias.example.org' });
    expect(config.auth.publicBaseUrls).toEqual(['https://cds.example.org', 'https://cds-alias.example.org']);
  });

  it('RULE_SETTINGS overrides thresholds; an unknown key or a bad value names the variable', () => {
    expect(loadConfig({ CDS_TRUSTED_CLIENTS: trusted, RULE_SETTINGS: '{"elderlyAge":75}' }).rules).toMatchObject({ elderlyAge: 75, carboplatinAuc: 5 });
    expect(() => loadConfig({ CDS_TRUSTED_CLIENTS: trusted, RULE_SETTINGS: '{"elderAge":75}' })).toThrow(/RULE_SETTINGS/);
    expect(() => loadConfig({ CDS_TRUSTED_CLIENTS: trusted, RULE_SETTINGS: '{"carboplatinAuc":12}' })).toThrow(/RULE_SETTINGS\.carboplatinAuc/);
  });

  it('empty strings count as unset', () => {
    expect(loadConfig({ CDS_TRUSTED_CLIENTS: trusted, PORT: '' }).port).toBe(3000);
  });
});

describe('loadFhirSandboxConfig', () => {
  it('defaults to 127.0.0.1:8080', () => {
    expect(loadFhirSandboxConfig({})).toMatchObject({ port: 8080, host: '127.0.0.1' });
  });
});
