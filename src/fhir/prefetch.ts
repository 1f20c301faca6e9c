import type { Bundle, OperationOutcome, Resource } from 'fhir/r4.js';
import { PrefetchMissing } from '../errors.js';
import { createFhirClient, FhirReadError, HOOK_DEADLINE_MESSAGE, type FhirClient, type FhirClientOptions } from './client.js';
import { entriesOf, isWellFormedBundle, nextLinkOf, ResourceSet } from './resources.js';

/** A prefetch template a service declares in discovery: a relative FHIR read or search with `{{tokens}}`. */
export interface PrefetchTemplate {
  key: string;
  template: string;
  /** What the data is, in words for a card ("conditions", "pathology reports"). */
  describes: string;
}

export interface PrefetchInput {
  templates: readonly PrefetchTemplate[];
  /** `prefetch` of the request: absent key → fetch it; `null` → the EHR has no such data; OperationOutcome → fetch. */
  prefetch: Record<string, unknown> | undefined;
  /** Root-level context fields; only primitives can fill tokens. */
  context: Record<string, unknown>;
  fhirServer?: string;
  accessToken?: string;
  now: Date;
  client: Omit<FhirClientOptions, 'baseUrl' | 'accessToken' | 'signal'>;
  /**
   * The hook's deadline: when it aborts, queries still running are stopped, named in `unreadable`, and whatever
   * they deliver later is ignored.
   */
  deadline?: FhirDeadline;
}

export interface PrefetchResult {
  resources: ResourceSet;
  /** What could not be read, in words for the data-quality card. */
  unreadable: string[];
  /** A client for follow-up reads (separate Medications), when the EHR gave a FHIR server. */
  client?: FhirClient;
  /** Keys fetched from the FHIR server rather than taken from prefetch (for logs and tests). */
  fetchedKeys: string[];
}

const USER_TOKENS: Record<string, string> = {
  userPractitionerId: 'Practitioner',
  userPractitionerRoleId: 'PractitionerRole',
  userPatientId: 'Patient',
  userRelatedPersonId: 'RelatedPerson',
};

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Fills a template's tokens: `{{context.x}}` (root-level primitives only), `{{userPractitionerId}}` and its
 * siblings (when `context.userId` is of that type), and the CDS Hooks 3.0 `{{today()}}` / `{{today() - 90 days}}`.
 * @returns the relative URL, or undefined when a token cannot be filled (the template is then not used)
 */
export function renderTemplate(template: string, context: Record<string, unknown>, now: Date): string | undefined {
  let unresolved = false;
  const rendered = template.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_all, token: string) => {
    const contextField = /^context\.([A-Za-z][A-Za-z0-9]*)$/.exec(token);
    if (contextField) {
      const value = context[contextField[1] as string];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return encodeURIComponent(String(value));
      unresolved = true;
      return '';
    }
    const userType = USER_TOKENS[token];
    if (userType) {
      const userId = context.userId;
      if (typeof userId === 'string' && userId.startsWith(`${userType}/`)) return encodeURIComponent(userId.slice(userType.length + 1));
      unresolved = true;
      return '';
    }
    const today = /^today\(\)(?:\s*([+-])\s*(\d{1,5})\s*days?)?$/.exec(token);
    if (today) {
      const offset = today[2] ? Number(today[2]) * (today[1] === '-' ? -1 : 1) : 0;
      return isoDate(new Date(now.getTime() + offset * 86_400_000));
    }
    unresolved = true;
    return '';
  });
  return unresolved ? undefined : rendered;
}

function isOperationOutcome(value: unknown): value is OperationOutcome {
  return typeof value === 'object' && value !== null && (value as Resource).resourceType === 'OperationOutcome';
}

/** A Bundle whose entries are only OperationOutcomes is an error report, not data (CDS Hooks 2.0 §Prefetch). */
function isErrorBundle(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || (value as Resource).resourceType !== 'Bundle') return false;
  const entries = entriesOf(value as Bundle);
  return entries.length > 0 && entries.every((e) => isOperationOutcome(e.resource) || isOperationOutcome(e.response?.outcome));
}

/** A resource the service can use as sent: a FHIR resource, and for a Bundle, `entry` and `link` as arrays. */
function isUsable(value: unknown): value is Resource {
  if (typeof value !== 'object' || value === null || typeof (value as Resource).resourceType !== 'string') return false;
  if ((value as Resource).resourceType === 'Bundle' && !isWellFormedBundle(value as Bundle)) return false;
  return !isOperationOutcome(value) && !isErrorBundle(value);
}

/**
 * Gathers the data of one hook call: prefetch where the EHR sent it, the FHIR server for what it did not
 * (all missing keys in parallel), with the paging of both followed up to the page cap.
 * @throws PrefetchMissing (412) when data is missing and the request names no FHIR server
 */
export async function resolvePrefetch(input: PrefetchInput): Promise<PrefetchResult> {
  const resources = new ResourceSet();
  const unreadable: string[] = [];
  const client = input.fhirServer
    ? createFhirClient({ ...input.client, baseUrl: input.fhirServer, accessToken: input.accessToken, ...(input.deadline ? { deadline: input.deadline } : {}) })
    : undefined;

  const toFetch: { template: PrefetchTemplate; url: string }[] = [];
  const missing: string[] = [];
  const tasks = new DeadlineTasks(input.deadline);
  for (const template of input.templates) {
    const sent = input.prefetch?.[template.key];
    if (sent === null) continue;
    if (isUsable(sent)) {
      const hasNext = sent.resourceType === 'Bundle' && nextLinkOf(sent as Bundle) !== undefined;
      if (hasNext && client) {
        tasks.run(
          () => client.completePages(sent as Bundle),
          ({ bundle, truncated }) => {
            resources.add(bundle);
            if (truncated) unreadable.push(`${template.describes}: only the first pages were read`);
          },
          (reason) => {
            resources.add(sent);
            unreadable.push(`${template.describes}: later pages could not be read (${reason})`);
          },
        );
      } else {
        resources.add(sent);
        if (hasNext) unreadable.push(`${template.describes}: only the first page was sent`);
      }
      continue;
    }
    const url = renderTemplate(template.template, input.context, input.now);
    if (url === undefined) continue;
    if (!client) missing.push(template.key);
    else toFetch.push({ template, url });
  }
  if (missing.length > 0) {
    throw new PrefetchMissing(
      `Prefetch is missing or unusable for ${missing.map((k) => `"${k}"`).join(', ')} and the request gives no fhirServer to fetch it from`,
      missing.map((k) => `prefetch.${k}: missing (send it, or send fhirServer and fhirAuthorization)`),
    );
  }

  for (const { template, url } of toFetch) {
    const isSearch = url.split('?')[0]?.includes('/') === false;
    tasks.run(
      async () => (isSearch ? client!.search(url) : { bundle: await client!.read(url), truncated: false }),
      ({ bundle, truncated }) => {
        resources.add(bundle);
        if (truncated) unreadable.push(`${template.describes}: only the first pages were read`);
      },
      (reason, err) => {
        if (err instanceof FhirReadError && err.status === 404) return; // a read of something that does not exist: no data
        unreadable.push(`${template.describes}: ${reason}`);
      },
    );
  }
  await tasks.settled();
  return { resources, unreadable, client, fetchedKeys: toFetch.map((f) => f.template.key) };
}

/**
 * The share of the hook's deadline its FHIR queries may take. Its signal (an AbortController and a timer) is made
 * when a query first needs it: most calls bring all their data in the prefetch and query nothing.
 */
export class FhirDeadline {
  private controller: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly endsAt: number;

  constructor(budgetMs: number) {
    this.endsAt = performance.now() + budgetMs;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = new AbortController();
      this.controller = controller;
      const left = this.endsAt - performance.now();
      if (left <= 0) controller.abort();
      else this.timer = setTimeout(() => controller.abort(), left);
    }
    return this.controller.signal;
  }

  /** Stops the queries still running (the call has been answered), with `reason` as the signal's reason. */
  end(reason: unknown): void {
    clearTimeout(this.timer);
    this.controller?.abort(reason);
  }
}

/**
 * Queries run in parallel against a deadline. A query that settles in time hands its result (or failure) to its
 * handlers; at the deadline, the ones still running get their failure handler with the deadline as the reason,
 * and whatever they deliver later is dropped, so the hook can answer with what it has.
 */
export class DeadlineTasks {
  private readonly pending = new Map<number, () => void>();
  private readonly running: Promise<void>[] = [];
  private closed = false;
  private next = 0;

  constructor(private readonly deadline: FhirDeadline | undefined) {}

  /**
   * Starts one query.
   * @param query - the query
   * @param ok - called with its result if it settles before the deadline
   * @param failed - called with the reason in words (and the error, if any) if it fails or outlives the deadline
   */
  run<T>(query: () => Promise<T>, ok: (value: T) => void, failed: (reason: string, err: unknown) => void): void {
    const id = this.next++;
    this.pending.set(id, () => failed(HOOK_DEADLINE_MESSAGE, undefined));
    const settle = (handle: () => void) => {
      if (this.closed) return;
      this.pending.delete(id);
      handle();
    };
    this.running.push(
      Promise.resolve()
        .then(query)
        .then(
          (value) => settle(() => ok(value)),
          (err: unknown) => settle(() => failed(err instanceof FhirReadError ? err.message : 'could not be read', err)),
        ),
    );
  }

  /** Resolves when every query has settled, or at the deadline. */
  async settled(): Promise<void> {
    const all = Promise.all(this.running).then(() => undefined);
    if (!this.deadline || this.pending.size === 0) return all;
    const deadline = this.deadline.signal;
    await new Promise<void>((resolve) => {
      const onAbort = () => {
        this.closed = true;
        for (const fail of this.pending.values()) fail();
        this.pending.clear();
        resolve();
      };
      if (deadline.aborted) return onAbort();
      deadline.addEventListener('abort', onAbort, { once: true });
      void all.then(() => {
        deadline.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }
}
