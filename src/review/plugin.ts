import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { Config } from '../config.js';
import { BadRequest } from '../errors.js';
import type { CdsAction } from '../hooks/cards/actions.js';
import type { Card } from '../hooks/cards/render.js';
import { FhirReadError } from '../fhir/client.js';
import type { Terminology } from '../fhir/terminology.js';
import { describeIssues } from '../hooks/request.schema.js';
import { projectPath } from '../paths.js';
import type { ReviewClient } from './client.js';
import { createReviewFhir } from './fhir.js';
import { ShownCards } from './memory.js';
import { draftChoices, draftOrder, orderContext } from './orders.js';
import { acceptBodySchema, labsBodySchema, overrideBodySchema, REVIEW_HOOKS, runBodySchema } from './schemas.js';
import { cardView } from './view.js';

/**
 * The card review page (`GET /review`) and its API (`/review/api/*`): registered only when `REVIEW_UI` is enabled.
 * Static files are read once here; every answer of this plugin carries a strict Content-Security-Policy.
 */

export interface ReviewPluginOptions {
  config: Config;
  terminology: Terminology;
  client: ReviewClient;
}

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const JS = 'text/javascript; charset=utf-8';
const ASSET_TYPES = { 'review.js': JS, 'page.js': JS, 'analytics.js': JS, 'review.css': 'text/css; charset=utf-8', 'favicon.svg': 'image/svg+xml' } as const;
const REVIEW_USER = 'Practitioner/nec-cds-review-page';

function readAssets() {
  const read = (name: string) => {
    const path = projectPath('src/review/assets', name);
    try {
      return readFileSync(path, 'utf8');
    } catch {
      throw new Error(`REVIEW_UI is enabled but the review page file ${path} cannot be read: ship src/review/assets or set REVIEW_UI=disabled`);
    }
  };
  return {
    html: read('index.html'),
    files: Object.fromEntries(Object.keys(ASSET_TYPES).map((name) => [name, read(name)])) as Record<keyof typeof ASSET_TYPES, string>,
  };
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new BadRequest('Invalid review request', describeIssues(parsed.error));
  return parsed.data;
}

function fail(reply: FastifyReply, status: number, error: string, message: string) {
  return reply.status(status).send({ error, message });
}

/** A draft the call sent is changed in the page, not written to the FHIR server (it exists only in the "EHR"). */
function targetsDraft(action: CdsAction, draftRefs: string[]): boolean {
  const ref = action.type === 'delete' ? action.resourceId : `${action.resource.resourceType}/${action.resource.id ?? ''}`;
  return draftRefs.includes(ref);
}

export async function reviewPlugin(app: FastifyInstance, opts: ReviewPluginOptions) {
  const { config, terminology, client } = opts;
  const assets = readAssets();
  const fhir = createReviewFhir({ baseUrl: config.review.fhirBaseUrl, ...config.fhir }, terminology);
  const shown = new ShownCards();

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('content-security-policy', CSP);
    if (request.url.startsWith('/review/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.get('/', async (_request, reply) => reply.redirect('/review'));
  app.get('/review', async (_request, reply) => reply.type('text/html; charset=utf-8').send(assets.html));
  app.get<{ Params: { name: string } }>('/review/assets/:name', async (request, reply) => {
    const name = request.params.name;
    if (!Object.hasOwn(ASSET_TYPES, name)) return fail(reply, 404, 'not-found', 'No such review page file');
    const key = name as keyof typeof ASSET_TYPES;
    return reply.type(ASSET_TYPES[key]).header('cache-control', 'no-cache').send(assets.files[key]);
  });

  app.get('/review/api/config', async () => ({ fhirServer: config.review.fhirBaseUrl, drugs: draftChoices(terminology) }));

  // The service's own analytics route, called like any client (signed): 404 there means ANALYTICS is not enabled.
  app.get('/review/api/analytics', async (_request, reply) => {
    const answer = await client.ruleAnalytics();
    if (answer.status === 404) return { enabled: false, message: 'Override analytics are off: set ANALYTICS=enabled' };
    if (answer.status !== 200) return reply.status(answer.status).send(answer.body);
    return { enabled: true, rules: (answer.body as { rules: unknown[] }).rules };
  });

  app.get('/review/api/patients', async (_request, reply) => {
    try {
      return { patients: await fhir.listPatients() };
    } catch (err) {
      if (err instanceof FhirReadError) return fail(reply, 502, 'fhir-unavailable', `Patients could not be listed: ${err.message}`);
      throw err;
    }
  });

  app.post('/review/api/labs', async (request, reply) => {
    const { patientId } = parse(labsBodySchema, request.body);
    try {
      return { series: await fhir.labHistory(patientId) };
    } catch (err) {
      if (err instanceof FhirReadError) return fail(reply, 502, 'fhir-unavailable', `Labs could not be read: ${err.message}`);
      throw err;
    }
  });

  app.post('/review/api/run', async (request, reply) => {
    const body = parse(runBodySchema, request.body);
    const serviceId = REVIEW_HOOKS[body.hook];
    const draft = body.hook !== 'patient-view' && body.drug ? draftOrder(body.drug, body.patientId, terminology) : undefined;
    const context = { userId: REVIEW_USER, patientId: body.patientId, ...(body.hook === 'patient-view' ? {} : orderContext(body.hook, draft)) };
    const answer = await client.callHook(serviceId, { hook: body.hook, hookInstance: randomUUID(), fhirServer: config.review.fhirBaseUrl, context });
    if (answer.status !== 200) return reply.status(answer.status).send(answer.body);
    const cards = (answer.body as { cards: Card[] }).cards;
    const draftRefs = draft ? [`MedicationRequest/${draft.id}`] : [];
    for (const card of cards) shown.remember({ serviceId, card, draftRefs });
    return { serviceId, cards: cards.map(cardView) };
  });

  app.post('/review/api/accept', async (request, reply) => {
    const body = parse(acceptBodySchema, request.body);
    const entry = shown.get(body.cardUuid);
    const suggestion = entry?.card.suggestions?.find((s) => s.uuid === body.suggestionUuid);
    if (!entry || !suggestion) return fail(reply, 404, 'not-found', 'This card or suggestion is no longer known: run the hook again');
    let draft: 'removed' | 'updated' | undefined;
    try {
      for (const action of suggestion.actions) {
        if (targetsDraft(action, entry.draftRefs)) draft = action.type === 'delete' ? 'removed' : (draft ?? 'updated');
        else await fhir.apply(action);
      }
    } catch (err) {
      if (err instanceof FhirReadError) return fail(reply, 502, 'fhir-unavailable', `The suggestion could not be applied: ${err.message}`);
      throw err;
    }
    const feedback = await client.sendFeedback(entry.serviceId, {
      card: entry.card.uuid,
      outcome: 'accepted',
      acceptedSuggestions: [{ id: suggestion.uuid }],
      outcomeTimestamp: new Date().toISOString(),
    });
    return { applied: suggestion.actions.length, ...(draft ? { draft } : {}), feedback };
  });

  app.post('/review/api/override', async (request, reply) => {
    const body = parse(overrideBodySchema, request.body);
    const entry = shown.get(body.cardUuid);
    if (!entry) return fail(reply, 404, 'not-found', 'This card is no longer known: run the hook again');
    const reason = entry.card.overrideReasons?.find((r) => r.code === body.reasonCode);
    if (!reason) throw new BadRequest('Invalid review request', ['reasonCode: not one of the override reasons of this card']);
    const feedback = await client.sendFeedback(entry.serviceId, {
      card: entry.card.uuid,
      outcome: 'overridden',
      overrideReason: { reason, ...(body.comment ? { userComment: body.comment } : {}) },
      outcomeTimestamp: new Date().toISOString(),
    });
    return { feedback };
  });
}
