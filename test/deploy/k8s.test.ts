/**
 * deploy/k8s/ against the Kubernetes schemas (kubernetes-models: each model's `validate()` runs the official
 * OpenAPI schema of its apiVersion/kind) and against the project: probe paths the app answers without a JWT, the
 * port and image of the Dockerfile, env vars that src/config.ts reads and docs/deployment.md documents, a
 * configuration that loads once the Secret is filled in, and a memory limit that fits the measured RSS.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { createTestIssuer } from '../helpers/jwt.js';
import { startService, type RunningService } from '../helpers/service.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const k8sDir = join(repoRoot, 'deploy/k8s');
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

/** The models this kustomization may use, by `apiVersion/kind`. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/**
 * Checks one manifest against the Kubernetes schema of its apiVersion/kind.
 * @throws an Error naming the file, the object and each schema violation with its path
 */
function validateManifest(manifest: Manifest): void {
  const { file, ...doc } = manifest;
  const name = `${file}: ${doc.kind}/${doc.metadata?.name ?? '?'}`;
  const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
  if (!Model) throw new Error(`${name}: no Kubernetes model for apiVersion "${doc.apiVersion}", kind "${doc.kind}" (known: ${Object.keys(MODELS).join(', ')})`);
  try {
    new Model(structuredClone(doc) as never).validate();
  } catch (err) {
    throw new Error(`${name} is not a valid ${doc.apiVersion} ${doc.kind}: ${(err as Error).message}`, { cause: err });
  }
}

const manifestFiles = readdirSync(k8sDir)
  .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
  .sort();
const manifests: Manifest[] = manifestFiles.flatMap((file) =>
  parseAllDocuments(readFileSync(join(k8sDir, file), 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return { ...(doc.toJS() as object), file } as Manifest;
  }),
);
const kustomization = parseAllDocuments(read('deploy/k8s/kustomization.yaml'))[0]?.toJS() as {
  apiVersion: string;
  kind: string;
  resources: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
};

function only(kind: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as Manifest;
}

interface Probe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  ports: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { name: string }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; runAsNonRoot?: boolean; capabilities?: { drop?: string[] } };
  livenessProbe: Probe;
  readinessProbe: Probe;
  startupProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: { securityContext: { runAsNonRoot?: boolean; runAsUser?: number }; containers: Container[]; volumes?: { name: string; emptyDir?: object }[] };
}

const deployment = only('Deployment') as Manifest & { spec: { selector: { matchLabels: Record<string, string> }; template: PodTemplate } };
const pod = deployment.spec.template;
const container = pod.spec.containers[0] as Container;
const configMap = only('ConfigMap') as Manifest & { data: Record<string, string> };
const secret = only('Secret') as Manifest & { stringData?: Record<string, string>; data?: Record<string, string> };
const service = only('Service') as Manifest & { spec: { selector: Record<string, string>; ports: { port: number; targetPort: string | number }[] } };
const hpa = only('HorizontalPodAutoscaler') as Manifest & { spec: { scaleTargetRef: { apiVersion: string; kind: string; name: string }; minReplicas: number } };

/** The container port a probe or Service names (by port name or number). */
function resolvePort(port: string | number): number | undefined {
  return typeof port === 'number' ? port : container.ports.find((p) => p.name === port)?.containerPort;
}

/** Kubernetes memory quantity → bytes (the suffixes used here). */
function bytes(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(quantity);
  if (!m) throw new Error(`unsupported quantity ${quantity}`);
  const unit = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, K: 1e3, M: 1e6, G: 1e9 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * unit;
}

/** The variable names of src/config.ts's zod environment schema. */
function configVariables(): Set<string> {
  const body = /const envSchema = z\.object\(\{([\s\S]*?)\n\}\);/.exec(read('src/config.ts'))?.[1];
  if (!body) throw new Error('envSchema not found in src/config.ts');
  return new Set([...body.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1] ?? ''));
}

/** Variables Node itself reads (not the app): allowed in the manifests, still documented. */
const NODE_VARIABLES = new Set(['NODE_OPTIONS']);

/** The container's environment: every ConfigMap and Secret it loads, plus `env`. */
function containerEnv(secretValues: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef?.name === configMap.metadata.name) Object.assign(env, configMap.data);
    if (source.secretRef?.name === secret.metadata.name) Object.assign(env, secretValues);
  }
  return env;
}
const shippedSecretValues = { ...secret.stringData };
const filledSecretValues = {
  CDS_TRUSTED_CLIENTS: JSON.stringify([{ iss: 'https://ehr.example.org/fhir', jwksUrl: 'https://ehr.example.org/jwks.json' }]),
  DATABASE_URL: 'postgres://nec_cds:secret@postgres:5432/nec_cds',
  PATIENT_HASH_SALT: 'a-salt-of-at-least-sixteen-characters',
};

describe('deploy/k8s manifests against the Kubernetes schemas', () => {
  it('every document of every file is a valid object of its apiVersion/kind', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(5);
    for (const manifest of manifests) expect(() => validateManifest(manifest), `${manifest.file} ${manifest.kind}`).not.toThrow();
  });

  it('a broken manifest (a probe port given as an object) fails with a message naming the file, the object and the path', () => {
    const broken = structuredClone(deployment);
    (broken.spec.template.spec.containers[0] as Container).livenessProbe.httpGet.port = { number: 3000 } as unknown as number;
    expect(() => validateManifest(broken)).toThrow(
      /^deployment\.yaml: Deployment\/nec-cds is not a valid apps\/v1 Deployment: .*spec\/template\/spec\/containers\/0\/livenessProbe\/httpGet\/port must be (string|integer)/,
    );
  });

  it('an object of an unknown apiVersion/kind is refused by name', () => {
    const unknown = { ...structuredClone(hpa), apiVersion: 'autoscaling/v2beta1' };
    expect(() => validateManifest(unknown)).toThrow(/no Kubernetes model for apiVersion "autoscaling\/v2beta1", kind "HorizontalPodAutoscaler"/);
  });

  it('the kustomization lists exactly the manifest files and renames the image the Deployment uses', () => {
    expect(kustomization.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
    expect(kustomization.kind).toBe('Kustomization');
    expect([...kustomization.resources].sort()).toEqual(manifestFiles);
    expect(kustomization.images?.map((i) => i.name)).toEqual([container.image.split(':')[0]]);
  });
});

describe('deploy/k8s matches the app and the Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM base AS runtime'));

  it('image and port: the runtime image `nec-cds` (docker build -t nec-cds .) on its EXPOSEd PORT', () => {
    expect(dockerfile).toContain('docker build -t nec-cds .');
    expect(container.image.split(':')[0]).toBe('nec-cds');
    const exposed = Number(/^EXPOSE (\d+)$/m.exec(runtime)?.[1]);
    expect(container.ports.map((p) => p.containerPort)).toEqual([exposed]);
    expect(Number(configMap.data.PORT)).toBe(exposed);
    expect(runtime).toMatch(new RegExp(`PORT=${exposed}\\b`));
  });

  it('runs as the image user `node` (uid 1000), non-root, read-only root filesystem, no privilege escalation, no capabilities', () => {
    expect(runtime).toMatch(/^USER node$/m);
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(container.securityContext.capabilities?.drop).toEqual(['ALL']);
  });

  it('every writable path is an emptyDir volume', () => {
    expect(container.volumeMounts?.length).toBeGreaterThan(0);
    for (const mount of container.volumeMounts ?? []) {
      expect(pod.spec.volumes?.find((v) => v.name === mount.name)?.emptyDir, mount.mountPath).toBeDefined();
    }
  });

  it('probes: liveness on /healthz, readiness on /readyz, on the container port', () => {
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe].filter((p) => p !== undefined)) {
      expect(resolvePort(probe.httpGet.port)).toBe(Number(configMap.data.PORT));
    }
  });

  it('Prometheus scrapes /metrics on the container port, and METRICS is enabled', () => {
    const annotations = pod.metadata.annotations ?? {};
    expect(annotations['prometheus.io/scrape']).toBe('true');
    expect(annotations['prometheus.io/path']).toBe('/metrics');
    expect(Number(annotations['prometheus.io/port'])).toBe(container.ports[0]?.containerPort);
    expect(configMap.data.METRICS).toBe('enabled');
  });

  it('memory: request and limit hold the peak RSS measured on PostgreSQL (bench/README.md: 227 MiB with the heap cap, 306 MiB without)', () => {
    const row = /^\| PostgreSQL[^|]*\|[^|]*\| (\d+) \|[^|]*\| (\d+) \|$/m.exec(read('bench/README.md'));
    expect(row, 'bench/README.md has the PostgreSQL row of "Memory of the embedded database"').not.toBeNull();
    const [peak, peakCapped] = [Number(row![1]) * 2 ** 20, Number(row![2]) * 2 ** 20];
    // The V8 limits the image sets are the ones the cluster sets (and the ones `npm run bench` measures).
    const image = /^ENV [\s\S]*?NODE_OPTIONS="([^"]+)"/m.exec(read('Dockerfile'))?.[1];
    expect(configMap.data.NODE_OPTIONS).toBe(image);
    expect(configMap.data.NODE_OPTIONS).toMatch(/--max-old-space-size=\d+/);
    expect(bytes(container.resources.limits.memory ?? '0')).toBeGreaterThanOrEqual(peak * 1.1);
    expect(bytes(container.resources.requests.memory ?? '0')).toBeGreaterThanOrEqual(peakCapped * 1.1);
    expect(bytes(container.resources.requests.memory ?? '0')).toBeLessThanOrEqual(bytes(container.resources.limits.memory ?? '0'));
    expect(container.resources.requests.cpu).toBeDefined();
  });

  it('Service, HPA and Deployment point at each other', () => {
    expect(deployment.spec.selector.matchLabels).toEqual(service.spec.selector);
    expect(pod.metadata.labels).toMatchObject(service.spec.selector);
    for (const port of service.spec.ports) expect(resolvePort(port.targetPort)).toBe(container.ports[0]?.containerPort);
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: deployment.apiVersion, kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }, { secretRef: { name: secret.metadata.name } }]);
  });
});

describe('deploy/k8s environment', () => {
  const docs = read('docs/deployment.md');
  const known = configVariables();
  const names = [
    ...Object.keys(configMap.data),
    ...Object.keys(secret.stringData ?? {}),
    ...Object.keys(secret.data ?? {}),
    ...(container.env ?? []).map((e) => e.name),
  ];

  it('every variable is one src/config.ts reads (or Node itself) and is documented in docs/deployment.md', () => {
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      expect(known.has(name) || NODE_VARIABLES.has(name), `${name} is not read by src/config.ts`).toBe(true);
      expect(docs, name).toContain(`\`${name}\``);
    }
  });

  it('the Secret holds the secrets, the ConfigMap none of them', () => {
    expect(Object.keys(secret.stringData ?? {}).sort()).toEqual(['CDS_TRUSTED_CLIENTS', 'DATABASE_URL', 'PATIENT_HASH_SALT']);
    for (const name of Object.keys(secret.stringData ?? {})) expect(configMap.data).not.toHaveProperty(name);
  });

  it('as shipped (Secret values empty), start-up stops with a message naming the missing trusted clients', () => {
    expect(Object.values(shippedSecretValues).every((v) => v === '')).toBe(true);
    expect(() => loadConfig(containerEnv(shippedSecretValues))).toThrow(/CDS_TRUSTED_CLIENTS: required when CDS_AUTH=required/);
  });

  it('with the Secret filled in, the configuration loads as production with auth, metrics and the PostgreSQL store', () => {
    const config = loadConfig(containerEnv(filledSecretValues));
    expect(config.production).toBe(true);
    expect(config.auth.required).toBe(true);
    expect(config.auth.publicBaseUrls.every((url) => url.startsWith('https://'))).toBe(true);
    expect(config.metrics.enabled).toBe(true);
    expect(config.port).toBe(container.ports[0]?.containerPort);
    expect(JSON.stringify(config)).toContain(filledSecretValues.DATABASE_URL);
  });
});

describe('the probe and scrape paths of the manifests, over HTTP with auth on and no JWT (the kubelet and Prometheus carry none)', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await startService({ issuer: await createTestIssuer() });
  });
  afterAll(async () => {
    await running?.stop();
  });

  it('answers 200 on each probe path and on the Prometheus path', async () => {
    const paths = [container.livenessProbe, container.readinessProbe, container.startupProbe].flatMap((p) => (p ? [p.httpGet.path] : []));
    paths.push(pod.metadata.annotations?.['prometheus.io/path'] ?? '');
    for (const path of new Set(paths)) expect((await running.call(path, { token: null })).status, path).toBe(200);
  });
});
