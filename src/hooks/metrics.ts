import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import fastifyMetricsModule from 'fastify-metrics';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import type { Rule } from '../engine/recommendation.js';
import type { FhirFailure } from '../fhir/client.js';
import { services } from './services.js';

/**
 * Prometheus metrics at `GET /metrics` (fastify-metrics + prom-client): request duration and count per route
 * template, service and status; cards per rule, service and indicator; failed FHIR queries per resource type and
 * kind. Label values come from fixed sets only (never a raw URL, id or text), so nothing of a patient reaches
 * them and their number stays bounded.
 */

const HOOK_ROUTE = '/cds-services/:id';
const OTHER = 'other';
const DATA_UNAVAILABLE_TOPIC = 'data-unavailable';
const INDICATORS = new Set(['info', 'warning', 'critical']);
/** The resource types our prefetch templates query, and the Medications that orders point to. */
const RESOURCE_TYPES = new Set([...services.flatMap((s) => s.prefetch.map((p) => /^[A-Za-z]+/.exec(p.template)?.[0] ?? '')), 'Medication']);

// The package's CJS build exports the plugin as `default`; under NodeNext the default import is the whole module.
const fastifyMetrics = fastifyMetricsModule.default;

/** Node process metrics (memory, CPU, event loop) describe the process, not an app: collected once per process. */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export interface AppMetrics {
  /** For the FHIR client (`onFailure`): counts one failed read or search. */
  fhirFailure: (failure: FhirFailure) => void;
}

interface CardLike {
  indicator?: unknown;
  source?: { topic?: { code?: unknown } };
}

/** Our service id for every id a service is reached by (its own, and the aliases of CDS_SERVICE_ALIASES). */
function serviceIds(aliases: Readonly<Record<string, string>>): Map<string, string> {
  const ids = new Map(services.map((s) => [s.id, s.id]));
  for (const [alias, id] of Object.entries(aliases)) if (ids.has(id)) ids.set(alias, id);
  return ids;
}

/**
 * Registers the metrics on the app (before any route, so every route is measured) and serves `GET /metrics`.
 * It sits outside the CDS Hooks plugin, so the JWT check does not apply: Prometheus carries no CDS JWT.
 * @param app - the root instance
 * @param rules - the rule ids are the only values the cards counter's `rule` label takes (besides data-unavailable)
 * @param serviceAliases - CDS_SERVICE_ALIASES: a call by an alias is counted under the service it names
 */
export async function registerMetrics<Logger extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>,
  rules: readonly Rule[],
  serviceAliases: Readonly<Record<string, string>> = {},
): Promise<AppMetrics> {
  // One registry per app: tests build many apps in one process, and the global registry refuses a second metric
  // of the same name.
  const registry = new Registry();
  const topics = new Set([...rules.map((r) => r.id), DATA_UNAVAILABLE_TOPIC]);
  const ids = serviceIds(serviceAliases);
  const serviceLabel = (request: FastifyRequest): string => {
    const id = (request.params as { id?: unknown } | undefined)?.id;
    return (typeof id === 'string' && ids.get(id)) || '';
  };

  await app.register(fastifyMetrics, {
    endpoint: null,
    defaultMetrics: { enabled: false },
    routeMetrics: {
      enabled: { histogram: true, summary: false },
      routeBlacklist: ['/metrics'],
      customLabels: { service: serviceLabel },
      overrides: {
        histogram: { name: 'http_request_duration_seconds', help: 'Request duration in seconds, by route template, service and status', registers: [registry] },
        summary: { registers: [] },
      },
    },
  });

  const cards = new Counter({
    name: 'nec_cds_cards_total',
    help: 'Cards returned, by service, rule id (card source.topic code) and indicator',
    labelNames: ['service', 'rule', 'indicator'],
    registers: [registry],
  });
  const fhirErrors = new Counter({
    name: 'nec_cds_fhir_fetch_errors_total',
    help: 'FHIR reads and searches that failed, by resource type and kind (timeout, deadline, network, http_4xx, http_5xx, too_large, invalid_response)',
    labelNames: ['resource_type', 'kind'],
    registers: [registry],
  });

  // Children per label set, made once: the label sets are few (fixed values) and counting is on every call's path.
  const cardCounters = new Map<string, { inc(): void }>();
  const countCard = (service: string, rule: string, indicator: string) => {
    const key = `${service} ${rule} ${indicator}`;
    let counter = cardCounters.get(key);
    if (!counter) cardCounters.set(key, (counter = cards.labels({ service, rule, indicator })));
    counter.inc();
  };

  // The hook route returns its answer as an object: count its cards before it is serialized.
  app.addHook('preSerialization', (request, reply, payload, done) => {
    const answer = payload as { cards?: unknown } | null;
    if (request.method === 'POST' && request.routeOptions.url === HOOK_ROUTE && reply.statusCode === 200 && Array.isArray(answer?.cards)) {
      const service = serviceLabel(request);
      for (const card of answer.cards as CardLike[]) {
        const code = card.source?.topic?.code;
        const indicator = card.indicator;
        countCard(
          service,
          typeof code === 'string' && topics.has(code) ? code : OTHER,
          typeof indicator === 'string' && INDICATORS.has(indicator) ? indicator : OTHER,
        );
      }
    }
    done(null, payload);
  });

  // Scraped every few seconds: kept out of the info log, like the probes.
  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    const merged = Registry.merge([registry, processMetrics()]);
    return reply.type(merged.contentType).send(await merged.metrics());
  });

  return {
    fhirFailure: ({ resourceType, kind }) => fhirErrors.inc({ resource_type: RESOURCE_TYPES.has(resourceType) ? resourceType : OTHER, kind }),
  };
}
