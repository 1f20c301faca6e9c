import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The database of the service as deployed (deploy/k8s: PostgreSQL through DATABASE_URL). `BENCH_DATABASE_URL` names
 * one; otherwise a throw-away cluster on loopback is started with `.ci/postgres-pass.sh` (Debian's PostgreSQL,
 * installed by it when missing and allowed) and stopped at the end. On the same 2 cores as everything else, as CI's is.
 */

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

export interface BenchDatabase {
  url: string;
  /** Where it came from, for RESULTS.md. */
  origin: string;
  stop(): void;
}

/** @throws with the script's output when no PostgreSQL can be started */
export function startPostgres(): BenchDatabase {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) return { url: given, origin: 'BENCH_DATABASE_URL', stop: () => undefined };
  const out = execFileSync('bash', ['.ci/postgres-pass.sh'], {
    cwd: repoRoot,
    env: { ...process.env, KEEP_RUNNING: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const match = /DATABASE_URL=(\S+)\s+\(stop: (.+)\)/.exec(out);
  if (!match?.[1] || !match[2]) throw new Error(`.ci/postgres-pass.sh gave no DATABASE_URL:\n${out}`);
  const version = /postgres \(PostgreSQL\) (\S+)/.exec(out)?.[1] ?? '?';
  const stopCommand = match[2];
  const dataDir = / -D (\S+)/.exec(stopCommand)?.[1];
  return {
    url: match[1],
    origin: `PostgreSQL ${version}, a throw-away cluster on loopback (.ci/postgres-pass.sh; fsync and synchronous_commit off)`,
    stop: () => {
      try {
        execFileSync('bash', ['-c', stopCommand], { stdio: 'ignore' });
      } catch {
        // already stopped
      }
      if (dataDir?.startsWith('/tmp/nec-cds-pg.')) rmSync(dirname(dataDir), { recursive: true, force: true });
    },
  };
}

/** NODE_OPTIONS as the image and the cluster set them (Dockerfile; deploy/k8s/configmap.yaml must agree: test/deploy). */
export function deployedNodeOptions(): string {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  const options = /NODE_OPTIONS="([^"]+)"/.exec(dockerfile)?.[1];
  if (!options) throw new Error('Dockerfile sets no NODE_OPTIONS="…"');
  return options;
}
