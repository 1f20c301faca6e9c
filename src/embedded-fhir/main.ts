/**
 * `npm run fhir-sandbox`: the embedded in-memory FHIR R4 server, seeded from `fixtures/patients/`.
 * Prints `FHIR R4 server ready at <url> (<n> fixture bundles)` on stdout once listening (tests parse it).
 */
import { ConfigError, loadFhirSandboxConfig } from '../config.js';
import { projectPath } from '../paths.js';
import { startEmbeddedFhirServer } from './server.js';

const QUIET_LEVELS = new Set(['silent', 'fatal', 'error', 'warn']);

async function main(): Promise<void> {
  const started = performance.now();
  const config = loadFhirSandboxConfig();
  const log = QUIET_LEVELS.has(config.logLevel) ? () => {} : (msg: string) => console.log(msg);
  const fixturesDir = projectPath('fixtures', 'patients');

  const server = await startEmbeddedFhirServer({ port: config.port, host: config.host, fixturesDir, log, delayMs: config.delayMs });
  console.log(`FHIR R4 server ready at ${server.url} (${server.fixtureBundles} fixture bundles)`);
  if (config.delayMs > 0) log(`every request is answered ${config.delayMs} ms late (FHIR_SANDBOX_DELAY_MS, benchmarks only)`);
  log(`started in ${Math.round(performance.now() - started)} ms`);

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log(`${signal} received, closing`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `fhir-sandbox failed to start: ${(err as Error).message}`);
  process.exit(1);
});
