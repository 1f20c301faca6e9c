/**
 * `npm run demo`: the embedded FHIR server with the demo patients, the service with authentication on, and
 * an "EHR" that calls patient-view for each patient the way a real one would (a signed ES384 JWT, part of the
 * prefetch sent, the rest left for the service to fetch), then prints each patient's cards.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Bundle, Patient } from 'fhir/r4.js';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { buildApp, defaultDeps } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { startEmbeddedFhirServer } from '../src/embedded-fhir/server.js';
import type { Card } from '../src/hooks/cards/render.js';
import { projectPath } from '../src/paths.js';

const ISSUER = 'https://demo-ehr.example.org';
/**
 * The demo patients' records are dated around this day (fresh labs on 2026-11-18): the demo runs its clinical
 * clock here so the cards stay the same whatever day it is run (a dose is never computed from a value over 7 days old).
 * JWTs are still signed and checked on the real clock.
 */
const DEMO_NOW = new Date('2026-11-23T09:00:00Z');
const KID = 'demo-ehr-key-1';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const colour = { critical: '\x1b[41;97m', warning: '\x1b[43;30m', info: '\x1b[44;97m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };
const tty = process.stdout.isTTY;
const paint = (code: string, text: string) => (tty ? `${code}${text}${colour.reset}` : text);

function wrap(text: string, indent: string, width = 100): string {
  return text
    .split('\n')
    .map((line) => {
      const bullet = /^(\s*- )/.exec(line)?.[1] ?? '';
      const words = line.slice(bullet.length).split(/\s+/);
      const out: string[] = [];
      let current = bullet;
      let empty = true;
      for (const word of words) {
        if (!empty && current.length + word.length + 1 > width - indent.length) {
          out.push(current);
          current = ' '.repeat(bullet.length);
          empty = true;
        }
        current += (empty ? '' : ' ') + word;
        empty = false;
      }
      out.push(current);
      return out.map((l) => indent + l).join('\n');
    })
    .join('\n');
}

function printCard(card: Card) {
  const tag = paint(colour[card.indicator], ` ${card.indicator.toUpperCase()} `);
  console.log(`  ${tag} ${paint(colour.bold, card.summary)}`);
  console.log(paint(colour.dim, `    rule: ${card.source.topic.code} · source: ${card.source.label}`));
  if (card.detail) console.log(wrap(card.detail.replace(/\*\*/g, ''), '    '));
  for (const s of card.suggestions ?? []) {
    const actions = s.actions.map((a) => (a.type === 'delete' ? `delete ${a.resourceId}` : `${a.type} ${a.resource.resourceType}/${a.resource.id ?? '(new)'}`));
    console.log(`    ▶ suggestion: "${s.label}"${s.isRecommended ? ' (recommended)' : ''} → ${actions.join('; ')}`);
  }
  if (card.overrideReasons) console.log(paint(colour.dim, `    override reasons: ${card.overrideReasons.map((r) => r.display).join(' · ')}`));
  console.log();
}

/** The seed scenarios first, then the near misses. */
function seedsFirst(a: string, b: string): number {
  return Number(b.startsWith('seed')) - Number(a.startsWith('seed')) || a.localeCompare(b);
}

async function main() {
  const fhir = await startEmbeddedFhirServer({ port: 0, host: '127.0.0.1', fixturesDir: projectPath('fixtures/patients'), log: () => undefined });
  const { publicKey, privateKey } = await generateKeyPair('ES384');
  const jwk = { ...(await exportJWK(publicKey)), kid: KID, alg: 'ES384', use: 'sig' };
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    CDS_TRUSTED_CLIENTS: JSON.stringify([{ iss: ISSUER, jwks: { keys: [jwk] } }]),
    PUBLIC_BASE_URLS: base,
  });
  const app = await buildApp(config, { ...defaultDeps(config), now: () => DEMO_NOW });
  await app.listen({ port, host: '127.0.0.1' });

  const sign = (aud: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES384', typ: 'JWT', kid: KID })
      .setIssuer(ISSUER)
      .setAudience(aud)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti(randomUUID())
      .sign(privateKey);

  async function callHook(serviceId: string, body: object): Promise<Card[]> {
    const url = `${base}/cds-services/${serviceId}`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await sign(url)}` },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { cards?: Card[]; message?: string; details?: string[] };
    if (!response.ok) throw new Error(`${serviceId} answered ${response.status}: ${json.message} ${json.details?.join('; ') ?? ''}`);
    return json.cards ?? [];
  }

  console.log(
    paint(colour.bold, `nec-cds demo — FHIR server ${fhir.url} (${fhir.fixtureBundles} demo patients), CDS service ${base}/cds-services, JWT auth on (ES384)`),
  );
  console.log(paint(colour.dim, `clinical clock pinned to ${DEMO_NOW.toISOString()} (the date the demo records are written for)\n`));
  let exitCode = 0;
  try {
    for (const file of readdirSync(projectPath('fixtures/patients'))
      .filter((f) => f.endsWith('.json'))
      .sort(seedsFirst)) {
      const bundle = JSON.parse(readFileSync(projectPath('fixtures/patients', file), 'utf8')) as Bundle;
      const patient = bundle.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource as Patient;
      const name = patient.name?.[0] ? `${patient.name[0].given?.join(' ') ?? ''} ${patient.name[0].family ?? ''}`.trim() : 'unnamed';
      console.log(paint(colour.bold, `■ ${patient.id} — ${name}, ${patient.gender ?? 'sex unknown'}, born ${patient.birthDate ?? 'unknown'}`));
      // Like many EHRs: the patient is prefetched, everything else is left for the service to fetch.
      const cards = await callHook('nec-patient-view', {
        hook: 'patient-view',
        hookInstance: randomUUID(),
        fhirServer: fhir.url,
        fhirAuthorization: { access_token: 'demo-token', token_type: 'Bearer', expires_in: 300, scope: 'user/*.read', subject: 'nec-cds' },
        context: { userId: 'Practitioner/demo-oncologist', patientId: patient.id },
        prefetch: { patient },
      });
      console.log(paint(colour.dim, `  patient-view → ${cards.length} card(s)`));
      if (cards.length === 0) console.log('  (no advice: nothing in this chart matches a rule)\n');
      cards.forEach(printCard);
    }

    console.log(paint(colour.bold, '■ seed-000-nepc-liver — order-sign with a new leuprolide order in the draft'));
    const cards = await callHook('nec-order-sign', {
      hook: 'order-sign',
      hookInstance: randomUUID(),
      fhirServer: fhir.url,
      context: {
        userId: 'Practitioner/demo-oncologist',
        patientId: 'seed-000-nepc-liver',
        draftOrders: {
          resourceType: 'Bundle',
          type: 'collection',
          entry: [
            {
              resource: {
                resourceType: 'MedicationRequest',
                id: 'draft-leuprolide-1',
                status: 'draft',
                intent: 'order',
                subject: { reference: 'Patient/seed-000-nepc-liver' },
                medicationCodeableConcept: {
                  coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '2606516' }],
                  text: 'Lupron Depot 22.5 mg',
                },
              },
            },
          ],
        },
      },
    });
    console.log(paint(colour.dim, `  order-sign → ${cards.length} card(s)`));
    cards.forEach(printCard);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    exitCode = 1;
  } finally {
    await app.close();
    await fhir.close();
  }
  process.exit(exitCode);
}

void main();
