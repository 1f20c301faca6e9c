import type { Bundle, Resource } from 'fhir/r4.js';
import { entriesOf, nextLinkOf } from './resources.js';

/** Why a FHIR read or search failed, in words a card can show (no URLs with patient ids, no tokens). */
export class FhirReadError extends Error {
  override name = 'FhirReadError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
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
}

export interface SearchResult {
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

function describeFailure(err: unknown): string {
  if (err instanceof FhirReadError) return err.message;
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'the FHIR server did not answer in time';
  return 'the FHIR server could not be reached';
}

/**
 * A FHIR R4 REST client for one hook call: bearer token when the EHR gave one, a deadline per query, paging.
 * @param opts - base URL, token, deadline and page cap
 */
export function createFhirClient(opts: FhirClientOptions): FhirClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const origin = new URL(base).origin;
  const headers: Record<string, string> = { accept: 'application/fhir+json, application/json' };
  if (opts.accessToken) headers.authorization = `Bearer ${opts.accessToken}`;

  async function get(url: string, signal: AbortSignal): Promise<Resource> {
    let response: Response;
    try {
      response = await fetch(url, { headers, signal, redirect: 'error' });
    } catch (err) {
      throw new FhirReadError(describeFailure(err));
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new FhirReadError(`the FHIR server answered HTTP ${response.status}`, response.status);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (err) {
      throw new FhirReadError(err instanceof Error && err.name === 'TimeoutError' ? describeFailure(err) : 'the FHIR server sent invalid JSON');
    }
    if (!body || typeof body !== 'object' || typeof (body as Resource).resourceType !== 'string') {
      throw new FhirReadError('the FHIR server sent something that is not a FHIR resource');
    }
    return body as Resource;
  }

  /** Follows `next` links on the same server only: the token must never go to another host. */
  async function followPages(first: Bundle, signal: AbortSignal): Promise<SearchResult> {
    const entries = [...entriesOf(first)];
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
      entries.push(...entriesOf(page));
      next = nextLinkOf(page);
      pages++;
    }
    return { bundle: { ...first, entry: entries }, truncated: false };
  }

  return {
    async read(relativeUrl) {
      return get(`${base}/${relativeUrl.replace(/^\/+/, '')}`, AbortSignal.timeout(opts.timeoutMs));
    },
    async search(relativeUrl) {
      const signal = AbortSignal.timeout(opts.timeoutMs);
      const first = (await get(`${base}/${relativeUrl.replace(/^\/+/, '')}`, signal)) as Bundle;
      if (first.resourceType !== 'Bundle') throw new FhirReadError('a search did not return a Bundle');
      return followPages(first, signal);
    },
    async completePages(first) {
      return followPages(first, AbortSignal.timeout(opts.timeoutMs));
    },
  };
}
