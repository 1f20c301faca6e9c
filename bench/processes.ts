import { type ChildProcess, fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage } from './target.js';

/** Child processes of the bench: the servers under load and the embedded FHIR servers. All on 127.0.0.1. */

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/** Where the compiled entry points are (bench/build.ts). */
export interface Build {
  target: string;
  fhirMain: string;
}

export interface Memory {
  rss: number;
  /** Highest RSS since the last reset: the larger of the 20 ms samples and the kernel's VmHWM (Linux). */
  peakRss: number;
  heapUsed: number;
}

export interface Target {
  kind: 'service' | 'bare';
  url: string;
  pid: number;
  memory(): Promise<Memory>;
  resetPeak(): Promise<void>;
  setBareResponse(name: string, json: string): Promise<void>;
  stop(): Promise<void>;
}

function stopper(proc: ChildProcess): () => Promise<void> {
  return async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
}

/**
 * Forks bench/target.ts (`service` or `bare`) and waits for it to listen.
 * @param env - added to the environment (the service's configuration)
 */
export async function startTarget(
  build: Build,
  kind: 'service' | 'bare',
  env: Record<string, string>,
  cpuProfileDir = process.env.BENCH_CPU_PROF,
): Promise<Target> {
  const proc = fork(build.target, [], {
    cwd: repoRoot,
    // With a folder: V8's CPU profile of the whole process, written there when it exits.
    execArgv: cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [],
    env: { ...process.env, ...env, BENCH_TARGET: kind },
    // The service logs JSON lines on stdout at LOG_LEVEL: written, as in production, to /dev/null here.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const waiters: ((m: ChildMessage) => void)[] = [];
  proc.on('message', (m: ChildMessage) => waiters.shift()?.(m));
  const ask = (message: ParentMessage) =>
    new Promise<ChildMessage>((resolve) => {
      waiters.push(resolve);
      proc.send(message);
    });

  const port = await new Promise<number>((resolve, reject) => {
    waiters.push((m) => (m.type === 'ready' ? resolve(m.port) : reject(new Error(`unexpected ${m.type}`))));
    proc.once('exit', (code) => reject(new Error(`bench target "${kind}" exited (${code}) before listening:\n${stderr}`)));
  });
  if (proc.pid === undefined) throw new Error('bench target has no pid');
  return {
    kind,
    url: `http://127.0.0.1:${port}`,
    pid: proc.pid,
    async memory() {
      const m = await ask({ type: 'mem' });
      if (m.type !== 'mem') throw new Error(`unexpected ${m.type}`);
      return { rss: m.rss, peakRss: Math.max(m.peakRss, m.kernelPeakRss ?? 0), heapUsed: m.heapUsed };
    },
    async resetPeak() {
      await ask({ type: 'reset-peak' });
    },
    async setBareResponse(name, json) {
      await ask({ type: 'bare-response', name, json });
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.disconnect();
      const timer = setTimeout(() => proc.kill('SIGTERM'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface FhirServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The embedded FHIR server as `npm run fhir-sandbox` runs it (fixtures loaded), on a free port, answering every
 * request `delayMs` late (FHIR_SANDBOX_DELAY_MS).
 */
export async function startFhirServer(build: Build, delayMs: number): Promise<FhirServer> {
  const proc = spawn(process.execPath, [build.fhirMain], {
    cwd: repoRoot,
    env: { ...process.env, FHIR_SANDBOX_PORT: '0', FHIR_SANDBOX_HOST: '127.0.0.1', FHIR_SANDBOX_DELAY_MS: String(delayMs), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ready at (http:\/\/\S+)/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    proc.once('exit', (code) => reject(new Error(`embedded FHIR server exited (${code}) before ready:\n${out}`)));
  });
  proc.stdout.resume();
  proc.stderr.resume();
  if (proc.pid === undefined) throw new Error('embedded FHIR server has no pid');
  return { url, pid: proc.pid, stop: stopper(proc) };
}
