/**
 * The closed catalogue of failures the service reports to a caller. Each kind has a stable `code` and
 * one HTTP status; `src/hooks/error-handler.ts` maps them once. Messages must never carry PHI or tokens.
 */
export abstract class CdsError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** Human-readable details (e.g. zod issues as text), sent to the caller. */
  readonly details: string[];

  constructor(message: string, details: string[] = []) {
    super(message);
    this.details = details;
  }
}

export class BadRequest extends CdsError {
  readonly status = 400;
  readonly code = 'bad-request';
}

export class Unauthorized extends CdsError {
  readonly status = 401;
  readonly code = 'unauthorized';
}

export class UnknownService extends CdsError {
  readonly status = 404;
  readonly code = 'unknown-service';
}

export class PrefetchMissing extends CdsError {
  readonly status = 412;
  readonly code = 'prefetch-missing';
}

/** The issuer's key set could not be fetched and no cached key matched: not the caller's fault. */
export class AuthUnavailable extends CdsError {
  readonly status = 503;
  readonly code = 'auth-unavailable';
}

/** Feedback about a card this service did not return (or no longer knows). */
export class UnknownCard extends CdsError {
  readonly status = 404;
  readonly code = 'unknown-card';
}

/** The card and feedback database cannot be reached: not the caller's fault; retry later. */
export class StoreUnavailable extends CdsError {
  readonly status = 503;
  readonly code = 'store-unavailable';
}
