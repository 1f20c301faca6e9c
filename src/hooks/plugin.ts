import cors from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { BadRequest, UnknownService } from '../errors.js';
import { expectedAudiences, type JwtVerifier } from './auth.js';
import { cdsErrorHandler } from './error-handler.js';
import { evaluateHook, type EvaluateDeps } from './evaluate.js';
import { contextSchemas, describeIssues, feedbackSchema, hookRequestSchema } from './request.schema.js';
import { discoveryDocument, services } from './services.js';

export interface CdsHooksOptions {
  config: Config;
  verifier: JwtVerifier | undefined;
  evaluate: EvaluateDeps;
}

/**
 * The CDS Hooks surface, encapsulated: CORS (preflights answered before authentication), JWT authentication of
 * every call, discovery, the three services and their feedback, and the error mapping.
 */
export async function cdsHooksPlugin(app: FastifyInstance, opts: CdsHooksOptions) {
  const { config, verifier } = opts;
  const discovery = discoveryDocument();
  const byId = new Map(services.map((s) => [s.id, s]));

  app.setErrorHandler(cdsErrorHandler);
  await app.register(cors, {
    origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'accept'],
    maxAge: 600,
  });
  app.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  // onRequest: a caller is authenticated before its body is read. CORS's own onRequest (registered above) has
  // already answered preflights, which carry no token.
  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (!verifier) return;
    const path = request.url.split('?')[0] ?? request.url;
    const client = await verifier.verify(request.headers.authorization, expectedAudiences(config.auth.publicBaseUrls, path));
    request.log.info({ iss: client.iss }, 'client authenticated');
  });

  app.get('/cds-services', async () => discovery);

  app.post<{ Params: { id: string } }>('/cds-services/:id', async (request) => {
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
      throw new BadRequest(`Invalid context for hook "${service.hook}"`, describeIssues(context.error).map((line) => `context.${line}`));
    }
    if (config.production && body.fhirServer?.startsWith('http:')) {
      throw new BadRequest('fhirServer must use https for production data', ['fhirServer: must be an https URL']);
    }
    const result = await evaluateHook(service, { ...body, context: context.data }, opts.evaluate);
    request.log.info({ hookInstance: body.hookInstance, service: service.id, ...result.stats, cards: result.cards.length }, 'hook answered');
    return { cards: result.cards };
  });

  app.post<{ Params: { id: string } }>('/cds-services/:id/feedback', async (request) => {
    if (!byId.has(request.params.id)) throw new UnknownService(`No CDS service "${request.params.id}" here; see GET /cds-services`);
    const parsed = feedbackSchema.safeParse(request.body);
    if (!parsed.success) throw new BadRequest('Invalid feedback', describeIssues(parsed.error));
    for (const item of parsed.data.feedback) {
      request.log.info(
        { service: request.params.id, card: item.card, outcome: item.outcome, overrideReason: item.overrideReason?.reason?.code, suggestions: item.acceptedSuggestions?.map((s) => s.id) },
        'feedback received',
      );
    }
    return { received: parsed.data.feedback.length };
  });
}
