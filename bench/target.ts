/**
 * A server under load, as a child process of bench/run.ts (forked with an IPC channel, so its memory is its own):
 *
 * - `BENCH_TARGET=service`: the real service, `buildApp(loadConfig(env))` as `src/main.ts` builds it, with the
 *   clinical clock pinned to the fixtures' date (the golden tests' clock, so the cards are the golden ones).
 * - `BENCH_TARGET=bare`: the limit: a bare Fastify POST route that parses the same JSON body (same body limit, same
 *   default parser) and answers a JSON body of the same size as the service's answer (the parent sends the service's
 *   answer; Fastify serialises it again on every request, as the service does).
 *
 * It listens on 127.0.0.1 (port 0), says `{ type: 'ready', port }`, samples its own RSS every 20 ms and answers
 * `{ type: 'mem' }` with the current and peak RSS (the peak since the last `{ type: 'reset-peak' }`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';

export type ParentMessage = { type: 'mem' } | { type: 'reset-peak' } | { type: 'bare-response'; name: string; json: string };
export type ChildMessage =
  { type: 'ready'; port: number } | { type: 'mem'; rss: number; peakRss: number; heapUsed: number; kernelPeakRss?: number } | { type: 'ack' };

function send(message: ChildMessage): void {
  process.send?.(message);
}

/** The kernel's own high-water mark of this process's RSS (Linux), in bytes. */
function kernelPeak(): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function resetKernelPeak(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux, or not allowed: the sampled peak remains
  }
}

let peakRss = process.memoryUsage.rss();
setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
}, 20).unref();

const bodyLimit = Number(process.env.BODY_LIMIT_BYTES ?? 64 * 1024 * 1024);
const mode = process.env.BENCH_TARGET;
const bareResponses = new Map<string, unknown>();

async function buildServer() {
  if (mode === 'bare') {
    const app = Fastify({ logger: false, bodyLimit });
    app.post<{ Params: { name: string }; Body: unknown }>('/bare/:name', async (request, reply) => {
      const response = bareResponses.get(request.params.name);
      if (response === undefined || typeof request.body !== 'object' || request.body === null) return reply.code(404).send({ error: 'no such body' });
      return response;
    });
    return app;
  }
  if (mode === 'service') {
    const { buildApp, defaultDeps } = await import('../src/app.js');
    const { loadConfig } = await import('../src/config.js');
    const config = loadConfig(process.env);
    const now = process.env.BENCH_CLINICAL_NOW;
    return buildApp(config, { ...defaultDeps(config), ...(now ? { now: () => new Date(now) } : {}) });
  }
  throw new Error(`BENCH_TARGET must be "service" or "bare", not ${String(mode)}`);
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'mem') {
    const rss = process.memoryUsage.rss();
    const kernel = kernelPeak();
    send({
      type: 'mem',
      rss,
      peakRss: Math.max(peakRss, rss),
      heapUsed: process.memoryUsage().heapUsed,
      ...(kernel !== undefined ? { kernelPeakRss: kernel } : {}),
    });
  } else if (message.type === 'reset-peak') {
    peakRss = process.memoryUsage.rss();
    resetKernelPeak();
    send({ type: 'ack' });
  } else if (message.type === 'bare-response') {
    bareResponses.set(message.name, JSON.parse(message.json));
    send({ type: 'ack' });
  }
});
process.on('disconnect', () => process.exit(0));

const app = await buildServer();
await app.listen({ port: 0, host: '127.0.0.1' });
send({ type: 'ready', port: (app.server.address() as AddressInfo).port });
