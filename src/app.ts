import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import { rules } from './engine/rules/index.js';
import type { Rule } from './engine/recommendation.js';
import { loadTerminology } from './fhir/terminology.js';
import { createJwtVerifier } from './hooks/auth.js';
import { loadCardTemplates } from './hooks/cards/templates.js';
import { cdsHooksPlugin } from './hooks/plugin.js';
import { projectPath } from './paths.js';

/** Paths pino removes from every log line: tokens and anything that could carry patient data. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'fhirAuthorization',
  '*.fhirAuthorization',
  '*.access_token',
  'body',
  'req.body',
  'prefetch',
  '*.prefetch',
];

/** Injected so tests are deterministic and can capture logs. */
export interface AppDeps {
  /** The clinical clock: ages, staleness, depot windows and card dates are measured from it. */
  now: () => Date;
  /** The clock JWTs are checked against; the system clock unless a test pins it (a captured token's time). */
  authNow?: () => Date;
  newId: () => string;
  logger: Logger;
  rules: readonly Rule[];
}

/** Production defaults: the system clock, random uuids, JSON logs on stdout. */
export function defaultDeps(config: Config): AppDeps {
  return {
    now: () => new Date(),
    newId: randomUUID,
    logger: pino({ level: config.logLevel, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }),
    rules,
  };
}

/**
 * Builds the service (no listen): config and dependencies in, Fastify instance out. Loads and checks the
 * terminology and card templates, so a bad file stops start-up here.
 * @param config - from `loadConfig()`
 * @param deps - clock, ids, logger, rules (tests pass their own)
 */
export async function buildApp(config: Config, deps: AppDeps = defaultDeps(config)) {
  const terminology = loadTerminology();
  const templates = loadCardTemplates(projectPath('cards'), deps.rules);
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: 5 * 1024 * 1024,
    requestIdHeader: false,
    genReqId: () => deps.newId(),
  });
  if (!config.auth.required) {
    app.log.warn('CDS_AUTH=disabled: calls are NOT authenticated; use this for local work only');
  }
  const verifier = config.auth.required
    ? createJwtVerifier({
        trustedClients: config.auth.trustedClients,
        clockSkewSeconds: config.auth.clockSkewSeconds,
        maxLifetimeSeconds: config.auth.maxLifetimeSeconds,
        ...(deps.authNow ? { now: deps.authNow } : {}),
      })
    : undefined;

  // Probes hit these every few seconds: keep them out of the info log.
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async () => ({ status: 'ready', rules: deps.rules.length, terminologyUnverifiedCodes: terminology.unverifiedCodeCount }));
  await app.register(cdsHooksPlugin, {
    config,
    verifier,
    evaluate: { rules: deps.rules, terminology, templates, fhir: config.fhir, picture: config.picture, settings: config.rules, now: deps.now, newId: deps.newId },
  });
  return app;
}
