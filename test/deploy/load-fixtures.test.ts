import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bundle, MedicationRequest, Patient } from 'fhir/r4.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadFixtures, LoadFixturesError } from '../../scripts/load-fixtures.js';
import { startEmbeddedFhirServer, type EmbeddedFhirServer } from '../../src/embedded-fhir/server.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const scriptPath = join(repoRoot, 'scripts/load-fixtures.ts');
const fixturesDir = join(repoRoot, 'fixtures/patients');
const SEED = 'seed-000-nepc-liver';

/** A TCP port that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Runs the loader CLI exactly as the container does (`node --import tsx scripts/load-fixtures.ts …`). */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', scriptPath, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Every string value under `value` that looks like a name or identifier a log line must never show. */
async function patientSecrets(): Promise<string[]> {
  const secrets = new Set<string>();
  for (const file of (await readdir(fixturesDir)).filter((f) => f.endsWith('.json'))) {
    const bundle = JSON.parse(await readFile(join(fixturesDir, file), 'utf8')) as Bundle;
    for (const entry of bundle.entry ?? []) {
      const patient = entry.resource as Patient | undefined;
      if (patient?.resourceType !== 'Patient') continue;
      for (const name of patient.name ?? []) for (const part of [name.family, ...(name.given ?? [])]) if (part) secrets.add(part);
      for (const identifier of patient.identifier ?? []) if (identifier.value) secrets.add(identifier.value);
    }
  }
  return [...secrets];
}

describe('scripts/load-fixtures.ts against the embedded FHIR server', () => {
  let fhir: EmbeddedFhirServer;
  let fixtureFiles: string[];

  beforeAll(async () => {
    fhir = await startEmbeddedFhirServer({ port: 0, host: '127.0.0.1' });
    fixtureFiles = (await readdir(fixturesDir)).filter((f) => f.endsWith('.json')).sort();
  });
  afterAll(async () => {
    await fhir?.close();
  });
  beforeEach(() => fhir.reset());

  it('loads every bundle in name order, one line per bundle, and the seed patient can be read and searched', async () => {
    const lines: string[] = [];
    const results = await loadFixtures(fhir.url, fixturesDir, (line) => lines.push(line), { retries: 3, intervalMs: 50 });

    expect(results.map((r) => r.file)).toEqual(fixtureFiles);
    expect(results.every((r) => r.status === 200 && r.entries > 0)).toBe(true);
    for (const r of results) expect(lines).toContain(`${r.file}: HTTP 200, ${r.entries} entries`);
    expect(lines[0]).toMatch(/^FHIR server up: http:\/\/127\.0\.0\.1:\d+\/fhir\/metadata \(attempt 1\/3\)$/);

    const patient = await fetch(`${fhir.url}/Patient/${SEED}`);
    expect(patient.status).toBe(200);
    expect(((await patient.json()) as Patient).id).toBe(SEED);

    const search = await fetch(`${fhir.url}/MedicationRequest?patient=${SEED}`);
    expect(search.status).toBe(200);
    const requests = ((await search.json()) as Bundle).entry?.map((e) => e.resource as MedicationRequest) ?? [];
    const leuprolide = requests.find((r) => r.id === 'seed-000-leuprolide');
    expect(leuprolide?.status).toBe('active');
    expect(JSON.stringify(leuprolide?.medicationCodeableConcept).toLowerCase()).toContain('leuprolide');
  });

  it('is idempotent (every entry is PUT Type/id) and accepts a trailing slash on the base URL', async () => {
    await loadFixtures(fhir.url, fixturesDir, () => {}, { retries: 1 });
    const again = await loadFixtures(`${fhir.url}/`, fixturesDir, () => {}, { retries: 1 });
    expect(again.every((r) => r.status === 200)).toBe(true);
    const search = (await (await fetch(`${fhir.url}/Patient?_id=${SEED}`)).json()) as Bundle;
    expect(search.entry).toHaveLength(1);
  });

  it('never logs patient names or identifiers', async () => {
    const lines: string[] = [];
    await loadFixtures(fhir.url, fixturesDir, (line) => lines.push(line), { retries: 1 });
    const text = lines.join('\n');
    const secrets = await patientSecrets();
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('tries every bundle, then rejects naming the ones the server refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nec-cds-loader-'));
    try {
      const good = await readFile(join(fixturesDir, `${SEED}.json`), 'utf8');
      const bad: Bundle = {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{ resource: { resourceType: 'Patient', id: 'x' }, request: { method: 'PUT', url: 'NotAType/x' } }],
      };
      await writeFile(join(dir, 'a-bad.json'), JSON.stringify(bad));
      await writeFile(join(dir, 'b-good.json'), good);
      const lines: string[] = [];
      const run = loadFixtures(fhir.url, dir, (line) => lines.push(line), { retries: 1 });
      await expect(run).rejects.toThrow(LoadFixturesError);
      await expect(run).rejects.toThrow(`1 of 2 bundles failed to load into ${fhir.url}: a-bad.json`);
      expect(lines.some((l) => /^a-bad\.json: HTTP 4\d\d, 1 entries FAILED/.test(l))).toBe(true);
      expect(lines).toContain('b-good.json: HTTP 200, 15 entries');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a folder with a file that is not a transaction Bundle before contacting the server', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nec-cds-loader-'));
    try {
      await writeFile(join(dir, 'patient.json'), JSON.stringify({ resourceType: 'Patient', id: 'x' }));
      const lines: string[] = [];
      await expect(loadFixtures(fhir.url, dir, (line) => lines.push(line))).rejects.toThrow('patient.json: not a transaction Bundle');
      expect(lines).toEqual([]);
      await expect(loadFixtures(fhir.url, join(dir, 'missing'), () => {})).rejects.toThrow(/cannot read fixtures folder .*missing: ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the CLI loads all bundles and exits 0 (as the compose fixtures-loader runs it)', async () => {
    const { code, stdout, stderr } = await runCli([fhir.url, '--retries', '2', '--interval-ms', '50']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    for (const file of fixtureFiles) expect(lines.some((l) => l.startsWith(`${file}: HTTP 200, `))).toBe(true);
    expect(lines.at(-1)).toBe(`loaded ${fixtureFiles.length} bundles into ${fhir.url}`);
    expect((await fetch(`${fhir.url}/Patient/${SEED}`)).status).toBe(200);
  });
});

describe('scripts/load-fixtures.ts when the FHIR server is not there', () => {
  it('rejects after the given number of tries with a message naming the URL', async () => {
    const base = `http://127.0.0.1:${await closedPort()}/fhir`;
    const lines: string[] = [];
    const started = performance.now();
    const run = loadFixtures(base, fixturesDir, (line) => lines.push(line), { retries: 3, intervalMs: 20 });
    await expect(run).rejects.toThrow(LoadFixturesError);
    await expect(run).rejects.toThrow(`FHIR server at ${base} did not answer GET ${base}/metadata after 3 attempts (last: ECONNREFUSED)`);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe(`waiting for ${base}/metadata: ECONNREFUSED (attempt 3/3)`);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('rejects a base URL that is not http(s)', async () => {
    await expect(loadFixtures('ftp://example.org/fhir', fixturesDir, () => {})).rejects.toThrow('FHIR base must be http(s)');
    await expect(loadFixtures('hapi:8080', fixturesDir, () => {})).rejects.toThrow('FHIR base must be http(s)');
    await expect(loadFixtures('not a url', fixturesDir, () => {})).rejects.toThrow('not a URL');
  });

  it('the CLI exits 1 with the URL on stderr, and 2 on bad arguments', async () => {
    const base = `http://127.0.0.1:${await closedPort()}/fhir`;
    const failed = await runCli(['--fhir', base, '--retries', '1']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`load-fixtures failed: FHIR server at ${base} did not answer`);

    const noUrl = await runCli([]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('usage: node --import tsx scripts/load-fixtures.ts <fhir-base-url>');

    const badRetries = await runCli([base, '--retries', '0']);
    expect(badRetries.code).toBe(2);
    expect(badRetries.stderr).toContain('--retries must be an integer >= 1');
  });

  it('takes the FHIR base from the command line only, never from the environment', async () => {
    const source = await readFile(scriptPath, 'utf8');
    expect(source).not.toMatch(/process\.env/);
  });
});
