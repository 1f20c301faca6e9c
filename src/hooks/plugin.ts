import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { BadRequest, CdsError, StoreUnavailable, Unauthorized, UnknownService } from '../errors.js';
import type { Store } from '../store/store.js';
import { expectedAudiences, type JwtVerifier } from './auth.js';
import { withReasonDisplays } from './analytics.js';
import { filterAndRecord } from './card-log.js';
import { cdsErrorHandler } from './error-handler.js';
import { evaluateHook, type EvaluateDeps } from './evaluate.js';
import { storeFeedback } from './feedback.js';
import { contextSchemas, describeIssues, feedbackSchema, hookRequestSchema } from './request.schema.js';
import { discoveryDocument, serviceRoutes } from './services.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified JWT issuer of the caller (auth on), the rate limit's key. */
    cdsClientIss?: string;
    /** A hook call's outcome, for its access log line ("hook answered"): never PHI. */
    hookAnswer?: Record<string, unknown>;
  }
}

export interface CdsHooksOptions {
  config: Config;
  verifier: JwtVerifier | undefined;
  evaluate: EvaluateDeps;
  /** Cards shown, feedback, snoozes (and, through the verifier, used JWT ids). */
  store: Store;
}

/** "1 minute", "30 seconds", "1.5 seconds": a window in words for the 429 message. */
function windowInWords(ms: number): string {
  if (ms % 60_000 === 0) return ms === 60_000 ? '1 minute' : `${ms / 60_000} minutes`;
  return ms === 1000 ? '1 second' : `${ms / 1000} seconds`;
}

/**
 * The CDS Hooks surface, encapsulated: CORS (preflights answered before authentication), JWT authentication of
 * every call, a rate limit per client (after authentication, before the body is read), discovery, the three
 * services and their feedback, and the error mapping.
 */
export async function cdsHooksPlugin(app: FastifyInstance, opts: CdsHooksOptions) {
  const { config, verifier } = opts;
  const discovery = discoveryDocument();
  const byId = serviceRoutes(config.serviceAliases);

  app.setErrorHandler(cdsErrorHandler);
  await app.register(cors, {
    origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'accept'],
    maxAge: 600,
    // An OPTIONS without the preflight headers gets the same 204 rather than a plain-text 400.
    strictPreflight: false,
  });
  app.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  // onRequest: a caller is authenticated before its body is read. CORS's own onRequest (registered above) has
  // already answered preflights, which carry no token.
  if (verifier)
    app.addHook('onRequest', async (request: FastifyRequest) => {
      const path = request.url.split('?')[0] ?? request.url;
      let client: Awaited<ReturnType<JwtVerifier['verify']>>;
      try {
        client = await verifier.verify(request.headers.authorization, expectedAudiences(config.auth.publicBaseUrls, path));
      } catch (err) {
        if (err instanceof CdsError) throw err;
        // Fail closed: a token whose checking itself failed is refused, and the failure logged (never the token).
        request.log.error(
          { err: { type: (err as Error | undefined)?.name, stack: (err as Error | undefined)?.stack } },
          'token verification failed unexpectedly',
        );
        throw new Unauthorized('The token could not be verified');
      }
      request.cdsClientIss = client.iss;
      request.log.info({ iss: client.iss }, 'client authenticated');
    });

  // Per client: the verified issuer when auth is on (an EHR is one client however many addresses it calls from),
  // else the address. Counted in preParsing: after authentication, before the body is read.
  const limit = config.limits.rateLimit;
  if (limit) {
    await app.register(rateLimit, {
      max: limit.max,
      timeWindow: limit.windowMs,
      hook: 'preParsing',
      keyGenerator: (request) => (request.cdsClientIss ? `iss:${request.cdsClientIss}` : `ip:${request.ip}`),
      errorResponseBuilder: (_request, context) =>
        Object.assign(
          new Error(`Too many requests: this client may make ${context.max} requests per ${windowInWords(limit.windowMs)}; retry in ${context.after}`),
          { statusCode: 429 },
        ),
    });
  }

  // Answers carry patient-derived advice: no cache may keep them.
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('cache-control', 'no-store');
    done(null, payload);
  });

  app.get('/cds-services', async () => discovery);

  app.post<{ Params: { id: string } }>('/cds-services/:id', async (request, reply) => {
    const service = byId.get(request.params.id);
    if (!service) throw new UnknownService(`No CDS service "${request.params.id}" here; see GET /cds-services`);
    const parsed = hookRequestSchema.safeParse(request.body);
    if (!parsed.success) throw new BadRequest('Invalid CDS Hooks request', describeIssues(parsed.error));
    const body = parsed.data;
    if (body.hook !== service.hook) {
      throw new BadRequest(`Service "${service.id}" answers hook "${service.hook}", not "${body.hook}"`, [`hook: expected "${service.hook}"`]);
    }
    const context = contextSchemas[service.hook].safeParse(body.context);
    if (!context.success) {
      throw new BadRequest(
        `Invalid context for hook "${service.hook}"`,
        describeIssues(context.error).map((line) => `context.${line}`),
      );
    }
    if (config.production && body.fhirServer?.startsWith('http:')) {
      throw new BadRequest('fhirServer must use https for production data', ['fhirServer: must be an https URL']);
    }
    const result = await evaluateHook(service, { ...body, context: context.data }, opts.evaluate, reply.elapsedTime);
    if (result.failure) {
      const err = result.failure.error as Error | undefined;
      request.log.error(
        { stage: result.failure.stage, err: { type: err?.name, stack: err?.stack } },
        'hook evaluation failed; answered with the data-unavailable card',
      );
    }
    const answer = await filterAndRecord(
      opts.store,
      request.log,
      {
        serviceId: service.id,
        hookInstance: body.hookInstance,
        patientId: context.data.patientId,
        now: opts.evaluate.now(),
        budgetMs: Math.max(250, config.limits.hookDeadlineMs - reply.elapsedTime),
      },
      result.cards,
    );
    request.hookAnswer = { hookInstance: body.hookInstance, service: service.id, ...result.stats, cards: answer.cards.length, snoozed: answer.snoozed };
    return { cards: answer.cards };
  });

  app.post<{ Params: { id: string } }>('/cds-services/:id/feedback', async (request) => {
    const service = byId.get(request.params.id);
    if (!service) throw new UnknownService(`No CDS service "${request.params.id}" here; see GET /cds-services`);
    const parsed = feedbackSchema.safeParse(request.body);
    if (!parsed.success) throw new BadRequest('Invalid feedback', describeIssues(parsed.error));
    for (const item of parsed.data.feedback) {
      request.log.info(
        {
          service: request.params.id,
          card: item.card,
          outcome: item.outcome,
          overrideReason: item.overrideReason?.reason?.code,
          suggestions: item.acceptedSuggestions?.map((s) => s.id),
        },
        'feedback received',
      );
    }
    const stored = await storeFeedback(opts.store, request.log, service.id, parsed.data.feedback, opts.evaluate.now());
    return { received: parsed.data.feedback.length, ...stored };
  });

  if (config.analyticsEnabled) {
    app.get('/analytics/rules', async (request) => {
      try {
        return { rules: withReasonDisplays(await opts.store.ruleAnalytics(), opts.evaluate.templates) };
      } catch (err) {
        request.log.error({ failure: { type: (err as Error | undefined)?.name, message: (err as Error | undefined)?.message } }, 'analytics query failed');
        throw new StoreUnavailable('Analytics are unavailable (the database cannot be reached); retry later');
      }
    });
  }
}
