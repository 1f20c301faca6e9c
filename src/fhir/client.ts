import type { Bundle, Resource } from 'fhir/r4.js';
import { entriesOf, nextLinkOf } from './resources.js';

/** What kind of failure a FHIR query met: for counting (metrics), never shown. */
export type FhirFailureKind = 'timeout' | 'deadline' | 'network' | 'http_4xx' | 'http_5xx' | 'http_other' | 'too_large' | 'invalid_response';

/** Why a FHIR read or search failed, in words a card can show (no URLs with patient ids, no tokens). */
export class FhirReadError extends Error {
  override name = 'FhirReadError';
  readonly kind: FhirFailureKind;
  constructor(
    message: string,
    readonly status?: number,
    kind?: FhirFailureKind,
  ) {
    super(message);
    this.kind = kind ?? (status === undefined ? 'invalid_response' : statusKind(status));
  }
}

function statusKind(status: number): FhirFailureKind {
  if (status >= 400 && status < 500) return 'http_4xx';
  if (status >= 500 && status < 600) return 'http_5xx';
  return 'http_other';
}

/** One failed query, as an observer (metrics) sees it: the resource type queried and the kind of failure. */
export interface FhirFailure {
  /** The first path segment of the query (`Observation`), or `unknown` for a followed page. */
  resourceType: string;
  kind: FhirFailureKind;
}

export interface FhirClientOptions {
  /** The EHR's FHIR base (`fhirServer`), without a trailing slash. */
  baseUrl: string;
  /** `fhirAuthorization.access_token`: sent to `baseUrl` only, never anywhere else. */
  accessToken?: string;
  /** Deadline for one read or search, all pages included. */
  timeoutMs: number;
  /** How many `next` pages a search follows at most. */
  pageCap: number;
  /** A read, or a search with all its pages, larger than this is not read (default 10 MiB). */
  maxResponseBytes?: number;
  /** The hook's overall deadline: when its signal aborts, every query still running stops (read at the first query). */
  deadline?: { readonly signal: AbortSignal };
  /** Told of every read or search (all pages) that failed, once per query. */
  onFailure?: (failure: FhirFailure) => void;
}

interface SearchResult {
  bundle: Bundle;
  /** More pages existed than `pageCap` allowed (or a `next` link pointed off the server). */
  truncated: boolean;
}

export interface FhirClient {
  read(relativeUrl: string): Promise<Resource>;
  search(relativeUrl: string): Promise<SearchResult>;
  /** Follows the `next` links of a Bundle that arrived by prefetch. */
  completePages(first: Bundle): Promise<SearchResult>;
}

const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
export const HOOK_DEADLINE_MESSAGE = 'the FHIR server did not answer within the time this service has to answer the EHR';

/** One query (a read, or a search with all its pages): its own time-out, the hook's deadline, the bytes read so far. */
interface QuerySignal {
  signal: AbortSignal;
  timeout: AbortSignal;
  hook?: AbortSignal;
  bytes: number;
}

function describeFailure(err: unknown, query: QuerySignal): FhirReadError {
  if (err instanceof FhirReadError) return err;
  if (query.hook?.aborted) return new FhirReadError(HOOK_DEADLINE_MESSAGE, undefined, 'deadline');
  if (query.timeout.aborted || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))) {
    return new FhirReadError('the FHIR server did not answer in time', undefined, 'timeout');
  }
  return new FhirReadError('the FHIR server could not be reached', undefined, 'network');
}

/** `Observation?patient=…` → `Observation`; `Patient/123` → `Patient`. */
function resourceTypeOf(relativeUrl: string): string {
  return /^\/*([A-Za-z]+)/.exec(relativeUrl)?.[1] ?? 'unknown';
}

function megabytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

function statusMessage(status: number): string {
  if (status === 401 || status === 403) return `the FHIR server refused access (HTTP ${status})`;
  return `the FHIR server answered HTTP ${status}`;
}

/**
 * A FHIR R4 REST client for one hook call: bearer token when the EHR gave one, a deadline per query (capped by the
 * hook's deadline), a size cap per response, paging.
 * @param opts - base URL, token, deadlines, page cap and size cap
 */
export function createFhirClient(opts: FhirClientOptions): FhirClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  const maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const headers: Record<string, string> = { accept: 'application/fhir+json, application/json' };
  if (opts.accessToken) headers.authorization = `Bearer ${opts.accessToken}`;

  function querySignal(): QuerySignal {
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const hook = opts.deadline?.signal;
    return hook ? { signal: AbortSignal.any([timeout, hook]), timeout, hook, bytes: 0 } : { signal: timeout, timeout, bytes: 0 };
  }

  /** The body as text, refused as soon as the query's pages together pass the size cap (declared or counted). */
  async function readBody(response: Response, query: QuerySignal): Promise<string> {
    const tooLarge = () => new FhirReadError(`the FHIR server's answer was larger than ${megabytes(maxBytes)} and was not read`, undefined, 'too_large');
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && query.bytes + declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    if (!response.body) return '';
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (query.bytes + size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
    query.bytes += size;
    return Buffer.concat(chunks).toString('utf8');
  }

  async function get(url: string, query: QuerySignal): Promise<Resource> {
    if (query.signal.aborted) throw describeFailure(query.signal.reason, query);
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: query.signal, redirect: 'error' });
    } catch (err) {
      throw describeFailure(err, query);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new FhirReadError(statusMessage(response.status), response.status);
    }
    let text: string;
    try {
      text = await readBody(response, query);
    } catch (err) {
      throw describeFailure(err, query);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new FhirReadError('the FHIR server sent invalid JSON');
    }
    if (!body || typeof body !== 'object' || typeof (body as Resource).resourceType !== 'string') {
      throw new FhirReadError('the FHIR server sent something that is not a FHIR resource');
    }
    return body as Resource;
  }

  /** Follows `next` links on the same server only: the token must never go to another host. */
  async function followPages(first: Bundle, signal: QuerySignal): Promise<SearchResult> {
    const entries = entriesOf(first).slice();
    const seen = new Set<string>();
    let next = nextLinkOf(first);
    let pages = 1;
    while (next) {
      const url = new URL(next, `${base}/`);
      if (url.origin !== origin || seen.has(url.href) || pages >= opts.pageCap) {
        return { bundle: { ...first, entry: entries }, truncated: true };
      }
      seen.add(url.href);
      const page = (await get(url.href, signal)) as Bundle;
      if (page.resourceType !== 'Bundle') throw new FhirReadError('a search page was not a Bundle');
      for (const entry of entriesOf(page)) entries.push(entry);
      next = nextLinkOf(page);
      pages++;
    }
    return { bundle: { ...first, entry: entries }, truncated: false };
  }

  /** Runs one query and tells the observer, if any, when it fails. */
  async function observed<T>(resourceType: string, query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (err) {
      opts.onFailure?.({ resourceType, kind: err instanceof FhirReadError ? err.kind : 'invalid_response' });
      throw err;
    }
  }

  return {
    async read(relativeUrl) {
      return observed(resourceTypeOf(relativeUrl), () => get(`${base}/${relativeUrl.replace(/^\/+/, '')}`, querySignal()));
    },
    async search(relativeUrl) {
      return observed(resourceTypeOf(relativeUrl), async () => {
        const signal = querySignal();
        const first = (await get(`${base}/${relativeUrl.replace(/^\/+/, '')}`, signal)) as Bundle;
        if (first.resourceType !== 'Bundle') throw new FhirReadError('a search did not return a Bundle');
        return followPages(first, signal);
      });
    },
    async completePages(first) {
      const type = entriesOf(first).find((e) => e.resource)?.resource?.resourceType ?? 'unknown';
      return observed(type, () => followPages(first, querySignal()));
    },
  };
}
