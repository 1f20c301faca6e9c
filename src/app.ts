import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import Fastify, { LogController } from 'fastify';
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import { rules } from './engine/rules/index.js';
import type { Rule } from './engine/recommendation.js';
import { loadTerminology } from './fhir/terminology.js';
import { createJwtVerifier } from './hooks/auth.js';
import { databaseReplayGuard } from './hooks/auth-replay.js';
import { loadCardTemplates } from './hooks/cards/templates.js';
import { cdsErrorHandler, notFoundHandler } from './hooks/error-handler.js';
import { registerMetrics } from './hooks/metrics.js';
import { cdsHooksPlugin } from './hooks/plugin.js';
import { projectPath } from './paths.js';
import type { StoreDb } from './store/db.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';
import { createReviewClient, createReviewIdentity } from './review/client.js';
import { reviewPlugin } from './review/plugin.js';

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
  /** An open database to use instead of the configured one (tests share one); the app migrates it but does not close it. */
  database?: StoreDb;
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
  const store = await openStore(config.store, deps.logger, deps.database);
  try {
    return await assembleApp(config, deps, store);
  } catch (err) {
    await store.close(); // start-up failed after the database was opened: do not leave it open
    throw err;
  }
}

async function assembleApp(config: Config, deps: AppDeps, store: Store) {
  const terminology = loadTerminology();
  const templates = loadCardTemplates(projectPath('cards'), deps.rules);
  const { limits } = config;
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: limits.bodyLimitBytes,
    // A request must arrive whole within requestTimeoutMs (slow senders get 408), and a connection idle that long is
    // closed. Node checks the request time-out on an interval (30 s by default): keep it a fraction of the time-out.
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.requestTimeoutMs,
    http: { headersTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(limits.requestTimeoutMs / 4))) },
    requestIdHeader: false,
    genReqId: () => deps.newId(),
    // One log line per request (onSend below: written before the answer leaves, so whoever receives the answer can
    // already read the line), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    const access = {
      req: { method: request.method, url: request.url, remoteAddress: request.ip },
      res: { statusCode: reply.statusCode },
      responseTime: reply.elapsedTime,
    };
    if (request.hookAnswer) request.log.info({ ...access, ...request.hookAnswer }, 'hook answered');
    else request.log.info(access, 'request completed');
    done(null, payload);
  });
  app.setErrorHandler(cdsErrorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.addHook('onClose', () => store.close());
  // Before every route, so each one is measured.
  const metrics = config.metrics.enabled ? await registerMetrics(app, deps.rules, config.serviceAliases) : undefined;
  if (config.securityHeaders.enabled) {
    // A JSON API: no CSP (nothing is rendered), but no sniffing, no framing, no referrer, HSTS; responses may be read
    // cross-origin (CORS decides who may), since the CDS Hooks Sandbox calls from the browser.
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: false,
      crossOriginEmbedderPolicy: false,
      crossOriginOpenerPolicy: false,
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      hsts: config.securityHeaders.hstsMaxAgeSeconds > 0 ? { maxAge: config.securityHeaders.hstsMaxAgeSeconds, includeSubDomains: false } : false,
    });
  }
  if (!config.auth.required) {
    app.log.warn('CDS_AUTH=disabled: calls are NOT authenticated; use this for local work only');
  }
  // The review page calls the service's own routes as a CDS client with its own key, trusted only while it is enabled.
  const reviewIdentity = config.review.enabled && config.auth.required ? await createReviewIdentity() : undefined;
  const verifier = config.auth.required
    ? createJwtVerifier({
        trustedClients: reviewIdentity ? [...config.auth.trustedClients, reviewIdentity.trustedClient] : config.auth.trustedClients,
        clockSkewSeconds: config.auth.clockSkewSeconds,
        maxLifetimeSeconds: config.auth.maxLifetimeSeconds,
        replays: databaseReplayGuard(store),
        ...(deps.authNow ? { now: deps.authNow } : {}),
      })
    : undefined;

  // Probes hit these every few seconds: keep them out of the info log.
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (request, reply) => {
    try {
      await store.ping();
    } catch (err) {
      request.log.warn(
        { failure: { type: (err as Error | undefined)?.name, message: (err as Error | undefined)?.message } },
        'not ready: the database cannot be reached',
      );
      return reply.status(503).send({ status: 'not ready', reason: 'the card and feedback database cannot be reached' });
    }
    return { status: 'ready', rules: deps.rules.length, terminologyUnverifiedCodes: terminology.unverifiedCodeCount };
  });
  await app.register(cdsHooksPlugin, {
    config,
    verifier,
    store,
    evaluate: {
      rules: deps.rules,
      terminology,
      templates,
      fhir: metrics ? { ...config.fhir, onFailure: metrics.fhirFailure } : config.fhir,
      hookDeadlineMs: limits.hookDeadlineMs,
      picture: config.picture,
      settings: config.rules,
      now: deps.now,
      newId: deps.newId,
    },
  });
  if (config.review.enabled) {
    const client = createReviewClient(app, config.auth.publicBaseUrls[0] ?? '', reviewIdentity);
    await app.register(reviewPlugin, { config, terminology, client });
  }
  return app;
}
