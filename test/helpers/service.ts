import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { buildApp, defaultDeps, REDACT_PATHS } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { sharedTestDatabase, testDatabaseUrl } from './database.js';
import type { TestIssuer } from './jwt.js';
import { fixtureSecrets, leaks } from './log-secrets.js';
import { DEFAULT_ACCESS_TOKEN } from './requests.js';

/**
 * The service as it runs in production — `buildApp(loadConfig(env))`, listening on 127.0.0.1 — with its pino
 * logger (same redaction as production) writing every line into an array the test can inspect.
 */

export interface StartServiceOptions {
  /** With an issuer: `CDS_AUTH=required` trusting it (inline jwks). Without: `CDS_AUTH=disabled`. */
  issuer?: TestIssuer;
  /** Extra environment variables (e.g. `FHIR_PAGE_CAP`). */
  env?: Record<string, string>;
  /** The clinical clock (default: the system clock). */
  now?: () => Date;
  /** The clock JWTs are checked against (default: the system clock); pinned to replay captured tokens. */
  authNow?: () => Date;
  /**
   * `shared` (default): the test process's one database (PGlite in memory, or its PostgreSQL database in the
   * PostgreSQL pass), with a random patient-hash salt per service unless `env` sets one. `own`: the service opens
   * the database its configuration names, as production does: a new in-memory PGlite (slow to start), or in the
   * PostgreSQL pass the process's second database, shared by every `own` service (several instances, one database).
   */
  database?: 'shared' | 'own';
  /** Tokens not signed by `issuer` (e.g. captured ones) that the log check at stop must also look for. */
  foreignTokens?: readonly string[];
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'OPTIONS';
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as-is with `content-type: application/json` (for malformed bodies). */
  rawBody?: string;
  /**
   * The bearer token. `undefined`: with auth on, a fresh valid token whose `aud` is the URL called; `null`: no
   * Authorization header at all; a string: that token.
   */
  token?: string | null;
  headers?: Record<string, string>;
}

export interface CallResult<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body (undefined when the body is empty or not JSON). */
  body: T;
}

export interface RunningService {
  /** `http://127.0.0.1:<port>`, also the configured `PUBLIC_BASE_URLS`. */
  baseUrl: string;
  config: Config;
  /** Every log line the service wrote (raw JSON text), in order. */
  logs: string[];
  /** The log lines parsed. */
  logRecords(): Record<string, unknown>[];
  /** `baseUrl + path`. */
  url(path: string): string;
  /** Calls the service over HTTP with global fetch. */
  call<T = unknown>(path: string, options?: CallOptions): Promise<CallResult<T>>;
  /** Closes the server (idempotent); resolves when every log line has been written. */
  stop(): Promise<void>;
}

/** A port that was free a moment ago: listen on 0, read the port, close. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/** A pino logger with production redaction, writing each line into `lines`. */
export function captureLogger(lines: string[]) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(line);
      done();
    },
  });
  return pino({ level: 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream);
}

async function listenOnce(options: StartServiceOptions, logs: string[]) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    PUBLIC_BASE_URLS: baseUrl,
    ...(options.issuer ? { CDS_AUTH: 'required', CDS_TRUSTED_CLIENTS: JSON.stringify([options.issuer.trustedClient]) } : { CDS_AUTH: 'disabled' }),
    DATABASE_DIR: 'memory://',
    ...options.env,
  };
  const ownUrl = options.database === 'own' ? await testDatabaseUrl() : undefined;
  if (ownUrl) env.DATABASE_URL = ownUrl;
  const config = loadConfig(env);
  const database = options.database === 'own' ? {} : { database: await sharedTestDatabase() };
  const app = await buildApp(config, {
    ...defaultDeps(config),
    logger: captureLogger(logs),
    ...(options.now ? { now: options.now } : {}),
    ...(options.authNow ? { authNow: options.authNow } : {}),
    ...database,
  });
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await app.close();
    throw err;
  }
  return { app, config, baseUrl };
}

/** Builds and starts the service on a free port (retrying if another process took the port in between). */
export async function startService(options: StartServiceOptions = {}): Promise<RunningService> {
  const logs: string[] = [];
  let started: Awaited<ReturnType<typeof listenOnce>> | undefined;
  for (let attempt = 1; !started; attempt++) {
    try {
      started = await listenOnce(options, logs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw err;
    }
  }
  const { app, config, baseUrl } = started;
  const issuer = options.issuer;
  let closing: Promise<void> | undefined;

  return {
    baseUrl,
    config,
    logs,
    logRecords: () => logs.map((line) => JSON.parse(line) as Record<string, unknown>),
    url: (path) => `${baseUrl}${path}`,
    async call<T>(path: string, opts: CallOptions = {}): Promise<CallResult<T>> {
      const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
      let token = opts.token;
      if (token === undefined && issuer) token = await issuer.sign({ aud: `${baseUrl}${path.split('?')[0]}` });
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (opts.rawBody !== undefined) body = opts.rawBody;
      else if (opts.json !== undefined) body = JSON.stringify(opts.json);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const method = opts.method ?? (body === undefined ? 'GET' : 'POST');
      const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, text, body: parsed as T };
    },
    /**
     * Closes the service, then checks every log line it wrote: no patient name, identifier, birth date, fixture text,
     * resource body or token of the run. Every integration test that starts a service is thus a log-leak test.
     */
    stop: () =>
      (closing ??= app.close().then(() => {
        const tokens = [
          ...[...(issuer?.issued ?? []), ...(options.foreignTokens ?? [])].flatMap((t) => [t, ...t.split('.').filter((part) => part.length > 8)]),
          DEFAULT_ACCESS_TOKEN,
        ];
        const found = leaks(logs, [...fixtureSecrets(), ...tokens]);
        if (found.length > 0) throw new Error(`log lines leak patient data or tokens:\n${found.slice(0, 5).join('\n')}`);
      })),
  };
}

/**
 * The `hook answered` log record of one call (found by its hookInstance): which prefetch keys the service fetched
 * from the FHIR server, how many data sources were unreadable, which rules fired.
 */
export function hookAnsweredLog(service: RunningService, hookInstance: string) {
  const record = service.logRecords().find((r) => r.msg === 'hook answered' && r.hookInstance === hookInstance);
  if (!record) throw new Error(`no "hook answered" log line for hookInstance ${hookInstance}`);
  return record as { fetchedKeys: string[]; unreadable: number; recommendations: string[]; cards: number };
}
