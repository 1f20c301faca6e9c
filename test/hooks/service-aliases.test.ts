import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { buildApp, defaultDeps } from '../../src/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { serviceRoutes, services } from '../../src/hooks/services.js';

/** CDS_SERVICE_ALIASES: an EHR that registered our services under its own ids reaches them by those ids. */

/** Every prefetch key null: the EHR has no such data (nothing to fetch). */
const noOtherData = Object.fromEntries(services[0]!.prefetch.map((p) => [p.key, null]));

describe('serviceRoutes', () => {
  it('routes our ids, and each alias to the service it names', () => {
    const routes = serviceRoutes({ 'pca-patient-view': 'nec-patient-view', 'pca-order-sign': 'nec-order-sign' });
    expect(routes.get('nec-patient-view')?.id).toBe('nec-patient-view');
    expect(routes.get('pca-patient-view')?.id).toBe('nec-patient-view');
    expect(routes.get('pca-order-sign')?.hook).toBe('order-sign');
    expect(routes.get('pca-order-select')).toBeUndefined();
  });

  it('refuses an alias that shadows one of our ids, or points at an id we do not have (or at another alias)', () => {
    expect(() => serviceRoutes({ 'nec-order-sign': 'nec-patient-view' })).toThrow(ConfigError);
    expect(() => serviceRoutes({ 'nec-order-sign': 'nec-patient-view' })).toThrow(/CDS_SERVICE_ALIASES: "nec-order-sign" is one of our own service ids/);
    expect(() => serviceRoutes({ x: 'nec-nothing' })).toThrow(/CDS_SERVICE_ALIASES: "x" points at "nec-nothing", which is not one of "nec-patient-view"/);
    expect(() => serviceRoutes({ a: 'nec-patient-view', b: 'a' })).toThrow(/"b" points at "a"/);
  });
});

describe('CDS_SERVICE_ALIASES in the configuration', () => {
  it('defaults to no aliases, and parses a JSON object', () => {
    expect(loadConfig({ CDS_AUTH: 'disabled' }).serviceAliases).toEqual({});
    expect(loadConfig({ CDS_AUTH: 'disabled', CDS_SERVICE_ALIASES: '{"ehr-pv":"nec-patient-view"}' }).serviceAliases).toEqual({ 'ehr-pv': 'nec-patient-view' });
  });

  it('stops start-up on bad JSON, a non-object, or an alias that is not a path segment', () => {
    expect(() => loadConfig({ CDS_AUTH: 'disabled', CDS_SERVICE_ALIASES: '{' })).toThrow(/CDS_SERVICE_ALIASES: CDS_SERVICE_ALIASES is not valid JSON/);
    expect(() => loadConfig({ CDS_AUTH: 'disabled', CDS_SERVICE_ALIASES: '["nec-patient-view"]' })).toThrow(/CDS_SERVICE_ALIASES/);
    expect(() => loadConfig({ CDS_AUTH: 'disabled', CDS_SERVICE_ALIASES: '{"a/b":"nec-patient-view"}' })).toThrow(/URL path segment/);
  });

  it('buildApp refuses an alias that points nowhere (start-up stops, naming the variable)', async () => {
    const config = loadConfig({ CDS_AUTH: 'disabled', LOG_LEVEL: 'silent', CDS_SERVICE_ALIASES: '{"ehr-pv":"patient-view"}' });
    await expect(buildApp(config, { ...defaultDeps(config), logger: pino({ level: 'silent' }) })).rejects.toThrow(
      /CDS_SERVICE_ALIASES: "ehr-pv" points at "patient-view"/,
    );
  });

  it('an alias routes a call (wrong hook and unknown ids still refused); discovery lists our ids only', async () => {
    const config = loadConfig({ CDS_AUTH: 'disabled', LOG_LEVEL: 'silent', CDS_SERVICE_ALIASES: '{"ehr-pv":"nec-patient-view"}' });
    const app = await buildApp(config, { ...defaultDeps(config), logger: pino({ level: 'silent' }) });
    try {
      const discovery = (await app.inject({ method: 'GET', url: '/cds-services' })).json<{ services: { id: string }[] }>();
      expect(discovery.services.map((s) => s.id).sort()).toEqual(['nec-order-select', 'nec-order-sign', 'nec-patient-view']);
      const call = await app.inject({
        method: 'POST',
        url: '/cds-services/ehr-pv',
        payload: {
          hook: 'patient-view',
          hookInstance: 'a1',
          context: { userId: 'Practitioner/1', patientId: 'p1' },
          prefetch: { ...noOtherData, patient: { resourceType: 'Patient', id: 'p1' } },
        },
      });
      expect(call.statusCode, call.body).toBe(200);
      expect(call.json()).toHaveProperty('cards');
      const wrongHook = await app.inject({ method: 'POST', url: '/cds-services/ehr-pv', payload: { hook: 'order-sign', hookInstance: 'a2', context: {} } });
      expect(wrongHook.statusCode).toBe(400);
      expect(wrongHook.json<{ message: string }>().message).toContain('"nec-patient-view" answers hook "patient-view"');
      const unknown = await app.inject({ method: 'POST', url: '/cds-services/ehr-os', payload: {} });
      expect(unknown.statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
