import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';

/** The service keeps its cards and feedback here unless DATABASE_URL or DATABASE_DIR says otherwise. */
const DEFAULT_DATA_DIR = './data/pglite';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp({ ...config, store: { ...config.store, databaseDir: config.store.databaseDir ?? DEFAULT_DATA_DIR } });
  } catch (err) {
    // Most often the database: unreachable, or a migration that failed. The message never carries the URL.
    console.error(`nec-cds could not start: ${(err as Error).message}`);
    process.exit(1);
  }
  // app.close() stops accepting calls, lets running ones finish, then closes the database (onClose).
  const close = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    try {
      await app.close();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGINT', () => void close('SIGINT'));
  process.once('SIGTERM', () => void close('SIGTERM'));
  const address = await app.listen({ port: config.port, host: config.host });
  app.log.info({ address, auth: config.auth.required ? 'required' : 'disabled', audiences: config.auth.publicBaseUrls }, 'nec-cds ready');
}

void main();
