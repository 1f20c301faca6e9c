import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardsWithTopic, FIXTURE_PATIENT_IDS, SEED_000, STOP_ADT, type CdsResponse } from '../helpers/cards.js';
import { startFhirServer, type FhirServerProcess } from '../helpers/fhir-server.js';
import { createTestIssuer, type TestIssuer } from '../helpers/jwt.js';
import { hookRequest, patientViewRequest, readPrefetch, SERVICE_ID, type HookName } from '../helpers/requests.js';
import { freePort, startService, type RunningService } from '../helpers/service.js';
import { fixtureSecrets } from '../helpers/log-secrets.js';

/**
 * Issue 3: "No patient name, identifier, token or resource body in any log line". A representative run (every hook,
 * with and without prefetch, feedback, 400, 401, 412, an unreachable FHIR server) is logged through the production
 * pino configuration into memory; then every line is searched for what must never be there.
 */

const ACCESS_TOKEN = 'secret-access-token-XYZ';
const HOOKS: HookName[] = ['patient-view', 'order-select', 'order-sign'];

let fhir: FhirServerProcess;
let issuer: TestIssuer;
let service: RunningService;
/** What each call answered, to show the run did what it claims. */
const statuses: Record<string, number> = {};
let seedCards = 0;

async function record(label: string, path: string, options: Parameters<RunningService['call']>[1]) {
  const res = await service.call<CdsResponse>(path, options);
  statuses[label] = res.status;
  if (res.status === 200 && Array.isArray(res.body?.cards)) seedCards += cardsWithTopic(res.body, STOP_ADT).length;
  return res;
}

beforeAll(async () => {
  [fhir, issuer] = await Promise.all([startFhirServer(), createTestIssuer()]);
  service = await startService({ issuer });
  const withServer = { fhirServer: fhir.url, accessToken: ACCESS_TOKEN };

  for (const hook of HOOKS) {
    const path = `/cds-services/${SERVICE_ID[hook]}`;
    await record(`${hook} no prefetch`, path, { json: hookRequest(hook, SEED_000, withServer) });
    const prefetch = await readPrefetch(fhir.url, SEED_000);
    await record(`${hook} full prefetch`, path, { json: hookRequest(hook, SEED_000, { ...withServer, prefetch }) });
  }
  const patientView = `/cds-services/${SERVICE_ID['patient-view']}`;
  for (const patientId of FIXTURE_PATIENT_IDS) {
    const prefetch = await readPrefetch(fhir.url, patientId, ['patient', 'conditions']);
    await record(`patient-view ${patientId}`, patientView, { json: patientViewRequest(patientId, { ...withServer, prefetch }) });
  }

  const first = await service.call<CdsResponse>(patientView, { json: patientViewRequest(SEED_000, withServer) });
  const card = cardsWithTopic(first.body, STOP_ADT)[0];
  await record('feedback', `${patientView}/feedback`, {
    json: {
      feedback: [
        { card: card?.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: card?.suggestions?.[0]?.uuid }], outcomeTimestamp: '2026-11-23T10:05:31Z' },
      ],
    },
  });

  const fullPrefetch = await readPrefetch(fhir.url, SEED_000);
  await record('400 wrong hook', patientView, {
    json: { ...patientViewRequest(SEED_000, { ...withServer, prefetch: fullPrefetch }), hook: 'order-sign' },
  });
  await record('400 malformed JSON', patientView, {
    rawBody: `{"hook":"patient-view","prefetch":{"patient":${JSON.stringify(fullPrefetch.patient)},"conditions":`,
  });
  await record('401 wrong aud', patientView, {
    json: patientViewRequest(SEED_000, { ...withServer, prefetch: fullPrefetch }),
    token: await issuer.sign({ aud: service.url('/cds-services/nec-order-sign') }),
  });
  await record('412 no fhirServer', patientView, { json: patientViewRequest(SEED_000, { prefetch: { patient: fullPrefetch.patient } }) });
  await record('unreachable FHIR server', patientView, {
    json: patientViewRequest(SEED_000, { fhirServer: `http://127.0.0.1:${await freePort()}/fhir`, accessToken: ACCESS_TOKEN }),
  });

  await service.stop(); // flush: every response and close line is written before the assertions
});

afterAll(async () => {
  await service?.stop();
  await fhir?.stop();
});

/** The JWTs of the run, whole and by part (a logged header or payload segment is a leak too). */
function tokenSecrets(): string[] {
  return issuer.issued.flatMap((token) => [token, ...token.split('.').filter((part) => part.length > 8)]);
}

describe('log lines of an integration run', () => {
  it('the run did what it claims (not vacuous)', () => {
    expect(statuses).toMatchObject({
      'patient-view no prefetch': 200,
      'patient-view full prefetch': 200,
      'order-select no prefetch': 200,
      'order-select full prefetch': 200,
      'order-sign no prefetch': 200,
      'order-sign full prefetch': 200,
      feedback: 200,
      '400 wrong hook': 400,
      '400 malformed JSON': 400,
      '401 wrong aud': 401,
      '412 no fhirServer': 412,
      'unreachable FHIR server': 200,
    });
    expect(seedCards).toBeGreaterThanOrEqual(7); // 6 seed-000 hook calls + patient-view seed-000 with partial prefetch
    expect(service.logs.length).toBeGreaterThan(0);
    const records = service.logRecords();
    expect(records.filter((r) => r.msg === 'hook answered').length).toBeGreaterThanOrEqual(6 + FIXTURE_PATIENT_IDS.length);
    expect(records.some((r) => r.msg === 'feedback received')).toBe(true);
    const refused = records.filter((r) => r.msg === 'request refused').map((r) => r.status);
    expect(refused).toEqual(expect.arrayContaining([400, 401, 412]));
    // One line per request, with its status and time (a hook call's also says what it answered); Fastify's own two are off.
    const completed = records.filter((r) => r.msg === 'request completed' || r.msg === 'hook answered');
    expect(records.some((r) => r.msg === 'incoming request')).toBe(false);
    expect(new Set(completed.map((r) => r.reqId)).size).toBe(completed.length);
    expect(completed.length).toBeGreaterThanOrEqual(Object.keys(statuses).length);
    expect(completed.map((r) => (r.res as { statusCode: number }).statusCode)).toEqual(expect.arrayContaining([200, 400, 401, 412]));
    expect(completed.every((r) => typeof r.responseTime === 'number' && (r.req as { method?: string }).method !== undefined)).toBe(true);
  });

  it('has no patient name, identifier, id, birth date or resource text', () => {
    const secrets = fixtureSecrets();
    expect(secrets).toEqual(expect.arrayContaining([SEED_000, 'Ashcombe', 'Walter', 'SEED-000-NEPC-LIVER', '1952-03-14']));
    const leaks = secrets.flatMap((secret) => service.logs.filter((line) => line.includes(secret)).map((line) => ({ secret, line })));
    expect(leaks).toEqual([]);
  });

  it('has no JWT and no FHIR access token', () => {
    const secrets = [...tokenSecrets(), ACCESS_TOKEN];
    expect(secrets.length).toBeGreaterThan(1);
    const leaks = secrets.flatMap((secret) => service.logs.filter((line) => line.includes(secret)).map((line) => ({ secret, line })));
    expect(leaks).toEqual([]);
  });

  it('has no resource body', () => {
    expect(service.logs.filter((line) => line.includes('resourceType'))).toEqual([]);
  });
});
