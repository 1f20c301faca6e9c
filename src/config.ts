import { z } from 'zod';
import { DEFAULT_RULE_SETTINGS, type RuleSettings } from './engine/picture.js';

/**
 * The only module that reads the environment. Everything else receives a typed `Config`.
 * A bad value stops start-up with a message naming the variable.
 */

const jsonValue = (name: string) =>
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: `${name} is not valid JSON` });
      return z.NEVER;
    }
  });

const jwkSchema = z.looseObject({ kty: z.string() });

const trustedClientSchema = z.union([
  z.strictObject({ iss: z.string().min(1), jwksUrl: z.url() }),
  z.strictObject({ iss: z.string().min(1), jwks: z.strictObject({ keys: z.array(jwkSchema).min(1) }) }),
]);
export type TrustedClient = z.infer<typeof trustedClientSchema>;

/** Overrides of the rule thresholds (rules.md: "keep it configurable"), as a JSON object; unknown keys are refused. */
const positive = z.number().positive();
const ruleSettingsSchema = z
  .strictObject({
    elderlyAge: z.number().int().min(50).max(100),
    inputMaxAgeDays: z.number().int().min(1).max(90),
    lowPsaNgMl: positive,
    recentPsaDays: z.number().int().min(1),
    newMetastasisDays: z.number().int().min(1),
    recentBiopsyDays: z.number().int().min(1),
    regimenWindowDays: z.number().int().min(1).max(90),
    carboplatinAuc: z.number().min(1).max(7),
    cisplatinMgM2: z.number().min(20).max(100),
    etoposideMgM2: z.number().min(50).max(150),
    tmbHighPerMb: positive,
    recentImagingWeeks: z.number().int().min(1),
    platinumRechallengeMonths: z.number().int().min(1),
  })
  .partial();

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean),
);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
  CDS_AUTH: z.enum(['required', 'disabled']).default('required'),
  CDS_TRUSTED_CLIENTS: jsonValue('CDS_TRUSTED_CLIENTS').pipe(z.array(trustedClientSchema)).default([]),
  PUBLIC_BASE_URLS: csv.pipe(z.array(z.url())).optional(),
  CDS_JWT_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(60),
  CDS_JWT_MAX_LIFETIME_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  CORS_ORIGINS: csv.default(['*']),
  CDS_SERVICE_ALIASES: jsonValue('CDS_SERVICE_ALIASES')
    .pipe(z.record(z.string(), z.string()))
    .refine(
      (aliases) => Object.keys(aliases).every((alias) => /^[A-Za-z0-9._-]{1,64}$/.test(alias)),
      'each alias must be a URL path segment of 1-64 letters, digits, ".", "_" or "-"',
    )
    .default({}),
  FHIR_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(4000),
  FHIR_PAGE_CAP: z.coerce.number().int().min(1).max(100).default(20),
  FHIR_MAX_RESPONSE_BYTES: z.coerce.number().int().min(65_536).max(268_435_456).default(10_485_760),
  HOOK_DEADLINE_MS: z.coerce.number().int().min(200).max(60_000).default(3000),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(104_857_600).default(5_242_880),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(500).max(300_000).default(10_000),
  RATE_LIMIT_MAX: z.coerce.number().int().min(0).max(1_000_000).default(1200),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  SECURITY_HEADERS: z.enum(['on', 'off']).default('on'),
  METRICS: z.enum(['enabled', 'disabled']).default('enabled'),
  HSTS_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(63_072_000).default(31_536_000),
  DEPOT_GRACE_DAYS: z.coerce.number().int().min(0).max(90).default(14),
  CRCL_ADJUSTED_WEIGHT_ABOVE_IBW_PERCENT: z.coerce.number().int().min(100).max(1000).default(120),
  RULE_SETTINGS: jsonValue('RULE_SETTINGS').pipe(ruleSettingsSchema).optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }).optional(),
  DATABASE_DIR: z.string().min(1).optional(),
  PATIENT_HASH_SALT: z.string().min(16, 'must be at least 16 characters').optional(),
  SNOOZE_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  ANALYTICS: z.enum(['enabled', 'disabled']).default('disabled'),
  FHIR_SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  FHIR_SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  FHIR_SANDBOX_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  REVIEW_UI: z.enum(['enabled', 'disabled']).optional(),
  REVIEW_FHIR_BASE_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8080/fhir'),
});

export interface Config {
  port: number;
  host: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  production: boolean;
  auth: {
    required: boolean;
    trustedClients: TrustedClient[];
    /** Base URLs under which clients may address us; a JWT's `aud` must be one of them + the path called. */
    publicBaseUrls: string[];
    clockSkewSeconds: number;
    maxLifetimeSeconds: number;
  };
  corsOrigins: string[];
  /** Other ids under which an EHR registered our services (alias → one of our service ids); routing only, not in discovery. */
  serviceAliases: Record<string, string>;
  fhir: {
    /** Deadline for one FHIR read or search (all its pages); the hook deadline caps it. */
    timeoutMs: number;
    /** How many search pages (`Bundle.link[next]`) are followed per prefetch key. */
    pageCap: number;
    /** A FHIR response larger than this is not read (its data is named on the data-unavailable card). */
    maxResponseBytes: number;
  };
  limits: {
    /** A hook answers within this: what the FHIR server has not delivered by then is named as unavailable. */
    hookDeadlineMs: number;
    /** Largest request body accepted (413 above). */
    bodyLimitBytes: number;
    /** Time to receive a whole request, and the longest a connection may sit idle (408 / closed). */
    requestTimeoutMs: number;
    /** Requests per client (verified JWT issuer, else IP) per window; undefined: no rate limit. */
    rateLimit?: { max: number; windowMs: number };
  };
  securityHeaders: {
    enabled: boolean;
    /** `Strict-Transport-Security: max-age`; 0 sends no HSTS header. */
    hstsMaxAgeSeconds: number;
  };
  picture: PictureOptions;
  rules: RuleSettings;
  /** `GET /metrics` (Prometheus text format, no JWT, no PHI) and the counters behind it. */
  metrics: { enabled: boolean };
  /** The card review page (`GET /review`): on by default except in production. */
  review: { enabled: boolean; fhirBaseUrl: string };
  store: StoreConfig;
  /** `GET /analytics/rules` is served (authenticated like every route). */
  analyticsEnabled: boolean;
}

/** Where cards and feedback are kept, and how long an override snoozes a card. */
export interface StoreConfig {
  /** A PostgreSQL server (`postgres://…`); when set, `databaseDir` is ignored. */
  databaseUrl?: string;
  /**
   * The embedded PostgreSQL's folder (PGlite); `memory://` keeps it in memory only. Unset: `src/main.ts` uses
   * `./data/pglite`; `buildApp` on its own (tests, tools) keeps it in memory.
   */
  databaseDir?: string;
  /** Salt of the patient-id hash; undefined (not in production): a random salt per start, with a warning. */
  patientHashSalt?: string;
  /** Days an info/warning card stays hidden for a patient after an override that snoozes; 0: never hidden. */
  snoozeDays: number;
}

/** How the patient picture reads the data (rules.md §1: both configurable). */
export interface PictureOptions {
  /** A depot (leuprolide 3-month …) counts as current until its next dose is due plus this many days. */
  depotGraceDays: number;
  /** Cockcroft–Gault uses adjusted body weight when actual weight exceeds this percentage of ideal body weight. */
  adjustedWeightAbovePercentIdeal: number;
}

export interface FhirSandboxConfig {
  port: number;
  host: string;
  /** Benchmarks only: every FHIR request is answered this many ms late (0: no delay). */
  delayMs: number;
  logLevel: Config['logLevel'];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function parseEnv(env: NodeJS.ProcessEnv) {
  // Empty strings mean "unset" (docker-compose passes `VAR=` for blanks).
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}

/**
 * Reads the service configuration from the environment.
 * @param env - the environment (defaults to `process.env`)
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(env);
  const authRequired = e.CDS_AUTH === 'required';
  if (authRequired && e.CDS_TRUSTED_CLIENTS.length === 0) {
    throw new ConfigError(
      'Invalid configuration:\n  CDS_TRUSTED_CLIENTS: required when CDS_AUTH=required (a JSON list of {"iss","jwksUrl"} or {"iss","jwks"}); set CDS_AUTH=disabled for local work only',
    );
  }
  if (e.REQUEST_TIMEOUT_MS <= e.HOOK_DEADLINE_MS) {
    throw new ConfigError(
      `Invalid configuration:\n  REQUEST_TIMEOUT_MS: must be longer than HOOK_DEADLINE_MS (${e.REQUEST_TIMEOUT_MS} ms ≤ ${e.HOOK_DEADLINE_MS} ms): the connection would be cut before the hook answers`,
    );
  }
  if (e.NODE_ENV === 'production' && e.PATIENT_HASH_SALT === undefined) {
    throw new ConfigError(
      'Invalid configuration:\n  PATIENT_HASH_SALT: required when NODE_ENV=production (a secret of at least 16 characters, the same on every instance): patients are stored only as a salted hash',
    );
  }
  const publicBaseUrls = (e.PUBLIC_BASE_URLS ?? [`http://localhost:${e.PORT}`, `http://127.0.0.1:${e.PORT}`]).map((url) => url.replace(/\/+$/, ''));
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    production: e.NODE_ENV === 'production',
    auth: {
      required: authRequired,
      trustedClients: e.CDS_TRUSTED_CLIENTS,
      publicBaseUrls,
      clockSkewSeconds: e.CDS_JWT_CLOCK_SKEW_SECONDS,
      maxLifetimeSeconds: e.CDS_JWT_MAX_LIFETIME_SECONDS,
    },
    corsOrigins: e.CORS_ORIGINS,
    serviceAliases: e.CDS_SERVICE_ALIASES,
    fhir: { timeoutMs: e.FHIR_TIMEOUT_MS, pageCap: e.FHIR_PAGE_CAP, maxResponseBytes: e.FHIR_MAX_RESPONSE_BYTES },
    limits: {
      hookDeadlineMs: e.HOOK_DEADLINE_MS,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      ...(e.RATE_LIMIT_MAX > 0 ? { rateLimit: { max: e.RATE_LIMIT_MAX, windowMs: e.RATE_LIMIT_WINDOW_MS } } : {}),
    },
    securityHeaders: { enabled: e.SECURITY_HEADERS === 'on', hstsMaxAgeSeconds: e.HSTS_MAX_AGE_SECONDS },
    picture: { depotGraceDays: e.DEPOT_GRACE_DAYS, adjustedWeightAbovePercentIdeal: e.CRCL_ADJUSTED_WEIGHT_ABOVE_IBW_PERCENT },
    rules: { ...DEFAULT_RULE_SETTINGS, ...e.RULE_SETTINGS },
    metrics: { enabled: e.METRICS === 'enabled' },
    review: {
      enabled: (e.REVIEW_UI ?? (e.NODE_ENV === 'production' ? 'disabled' : 'enabled')) === 'enabled',
      fhirBaseUrl: e.REVIEW_FHIR_BASE_URL.replace(/\/+$/, ''),
    },
    store: {
      ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
      ...(e.DATABASE_DIR ? { databaseDir: e.DATABASE_DIR } : {}),
      ...(e.PATIENT_HASH_SALT ? { patientHashSalt: e.PATIENT_HASH_SALT } : {}),
      snoozeDays: e.SNOOZE_DAYS,
    },
    analyticsEnabled: e.ANALYTICS === 'enabled',
  };
}

/**
 * Reads the embedded FHIR server's configuration (`npm run fhir-sandbox`).
 * @param env - the environment (defaults to `process.env`)
 */
export function loadFhirSandboxConfig(env: NodeJS.ProcessEnv = process.env): FhirSandboxConfig {
  const e = parseEnv(env);
  return { port: e.FHIR_SANDBOX_PORT, host: e.FHIR_SANDBOX_HOST, delayMs: e.FHIR_SANDBOX_DELAY_MS, logLevel: e.LOG_LEVEL };
}
