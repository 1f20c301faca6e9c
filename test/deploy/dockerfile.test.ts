/**
 * Static checks that keep Dockerfile, .dockerignore, docker-compose.yml and docs/deployment.md honest. No Docker
 * engine runs in CI, so nothing here builds an image: it reads the files and cross-checks them with the project.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** Splits a Dockerfile into stages of instructions (comments dropped, `\` continuations joined). */
function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // comment inside a continuation
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push((current + line).trim());
    current = '';
  }
  if (current.trim()) logical.push(current.trim());

  const stages: Stage[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!m?.[1]) throw new Error(`cannot parse FROM ${instruction.args}`);
      stages.push({ from: m[1], name: m[2] ?? String(stages.length), instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`${instruction.keyword} before FROM`);
      stage.instructions.push(instruction);
    }
  }
  return stages;
}

const dockerfile = read('Dockerfile');
const stages = parseDockerfile(dockerfile);
const stage = (name: string): Stage => {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage ${name}`);
  return found;
};
const all = (s: Stage, keyword: string) => s.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const last = (s: Stage, keyword: string) => all(s, keyword).at(-1);
/** `ENV A=1 B=2` (and the legacy `ENV A 1`) of one stage, later values winning. */
const envOf = (s: Stage): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const args of all(s, 'ENV')) {
    if (!args.includes('=')) {
      const [k = '', ...v] = args.split(/\s+/);
      env[k] = v.join(' ');
      continue;
    }
    for (const pair of args.split(/\s+/)) {
      const [k = '', ...v] = pair.split('=');
      env[k] = v.join('=').replace(/^"|"$/g, '');
    }
  }
  return env;
};
/** COPY sources taken from the build context (no --from) of one stage. */
const contextCopies = (s: Stage): string[] =>
  all(s, 'COPY')
    .filter((args) => !args.includes('--from='))
    .flatMap((args) =>
      args
        .split(/\s+/)
        .filter((a) => !a.startsWith('--'))
        .slice(0, -1),
    );
const exec = (args: string | undefined): string[] => JSON.parse(args ?? 'null') as string[];
const isRootUser = (user: string | undefined) => user === undefined || /^(root|0)(:.*)?$/.test(user);

/** The variable names of src/config.ts's zod environment schema. */
function configVariables(): string[] {
  const source = read('src/config.ts');
  const body = /const envSchema = z\.object\(\{([\s\S]*?)\n\}\);/.exec(source)?.[1];
  if (!body) throw new Error('envSchema not found in src/config.ts');
  return [...body.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1] ?? '');
}

/** .dockerignore patterns (comments and blanks dropped). */
const dockerignore = read('.dockerignore')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

describe('Dockerfile', () => {
  it('builds on a pinned Node 20 bookworm-slim image and only on it', () => {
    const names = new Set<string>();
    for (const s of stages) {
      if (!names.has(s.from)) expect(s.from).toMatch(/^node:20\.\d+(\.\d+)?-bookworm-slim$/);
      names.add(s.name);
    }
    expect(dockerfile).not.toMatch(/:latest\b/);
    expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(['build', 'prod-deps', 'fixtures-loader', 'sandbox', 'runtime']));
  });

  it('has the service as its default (last) target', () => {
    expect(stages.at(-1)?.name).toBe('runtime');
  });

  it('build stage installs everything and compiles with npm run build', () => {
    const runs = all(stage('build'), 'RUN');
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npm run build');
    expect(contextCopies(stage('build'))).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src']));
  });

  it('the compiled entry points exist where CMD expects them (tsc: rootDir ".", outDir "dist")', () => {
    const build = JSON.parse(read('tsconfig.build.json')) as { extends?: string; include?: string[] };
    const base = JSON.parse(read('tsconfig.json')) as { compilerOptions: { rootDir?: string; outDir?: string } };
    expect(build.extends).toBe('./tsconfig.json');
    expect(build.include).toEqual(['src']);
    expect(base.compilerOptions.rootDir).toBe('.');
    expect(base.compilerOptions.outDir).toBe('dist');
    expect(existsSync(join(repoRoot, 'src/main.ts'))).toBe(true);
    expect(existsSync(join(repoRoot, 'src/embedded-fhir/main.ts'))).toBe(true);
    expect(JSON.parse(read('package.json')).scripts.build).toBe('tsc -p tsconfig.build.json');
  });

  it('runtime stage: production deps, dist + cards + clinical + package.json, non-root, port 3000', () => {
    const runtime = stage('runtime');
    expect(all(stage('prod-deps'), 'RUN').some((r) => r.startsWith('npm ci --omit=dev'))).toBe(true);
    const copies = all(runtime, 'COPY');
    expect(copies).toContain('--from=prod-deps /app/node_modules ./node_modules');
    expect(copies).toContain('--from=build /app/dist ./dist');
    expect(contextCopies(runtime)).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'cards', 'clinical', 'src/review/assets']));
    expect(envOf(runtime)).toMatchObject({ NODE_ENV: 'production', PORT: '3000', HOST: '0.0.0.0' });
    expect(all(runtime, 'EXPOSE')).toEqual(['3000']);
    expect(isRootUser(last(runtime, 'USER'))).toBe(false);
    expect(last(runtime, 'USER')).toBe('node');
    expect(exec(last(runtime, 'CMD'))).toEqual(['node', 'dist/src/main.js']);
    expect(all(runtime, 'ENTRYPOINT')).toEqual([]);
  });

  it('runtime HEALTHCHECK probes GET /healthz on $PORT with node (slim images have no curl)', () => {
    const healthcheck = last(stage('runtime'), 'HEALTHCHECK') ?? '';
    const cmd = exec(/\bCMD\s+(\[.*\])$/.exec(healthcheck)?.[1]);
    expect(cmd.slice(0, 2)).toEqual(['node', '-e']);
    expect(cmd[2]).toContain("'http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz'");
    expect(cmd[2]).toContain('process.exit(r.ok?0:1)');
    expect(healthcheck).not.toMatch(/curl|wget/);
    expect(healthcheck).toMatch(/--timeout=\d+s/);
  });

  it('sandbox stage serves the embedded FHIR server with the fixtures on 0.0.0.0:8080 as non-root', () => {
    const sandbox = stage('sandbox');
    expect(contextCopies(sandbox)).toEqual(expect.arrayContaining(['package.json', 'fixtures/patients']));
    expect(all(sandbox, 'COPY')).toContain('--from=build /app/dist ./dist');
    expect(envOf(sandbox)).toMatchObject({ FHIR_SANDBOX_HOST: '0.0.0.0', FHIR_SANDBOX_PORT: '8080' });
    expect(all(sandbox, 'EXPOSE')).toEqual(['8080']);
    expect(isRootUser(last(sandbox, 'USER'))).toBe(false);
    expect(exec(last(sandbox, 'CMD'))).toEqual(['node', 'dist/src/embedded-fhir/main.js']);
    expect(last(sandbox, 'HEALTHCHECK')).toContain('/fhir/metadata');
    // The compiled server finds fixtures/ next to package.json (src/paths.ts), as from src/ under tsx.
    expect(read('src/embedded-fhir/main.ts')).toContain("projectPath('fixtures', 'patients')");
  });

  it('fixtures-loader stage runs scripts/load-fixtures.ts through tsx as non-root', () => {
    const loader = stage('fixtures-loader');
    expect(contextCopies(loader)).toEqual(expect.arrayContaining(['package.json', 'scripts/load-fixtures.ts', 'fixtures/patients']));
    expect(all(loader, 'COPY')).toContain('--from=prod-deps /app/node_modules ./node_modules');
    expect(exec(last(loader, 'ENTRYPOINT'))).toEqual(['node', '--import', 'tsx', 'scripts/load-fixtures.ts']);
    expect(isRootUser(last(loader, 'USER'))).toBe(false);
    // tsx must be a production dependency for `npm ci --omit=dev` to keep it
    expect(JSON.parse(read('package.json')).dependencies).toHaveProperty('tsx');
  });

  it('every path copied from the build context exists and is not excluded by .dockerignore', () => {
    const sources = new Set(stages.flatMap(contextCopies));
    expect(sources.size).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(repoRoot, source)), source).toBe(true);
      const top = source.split('/')[0] ?? source;
      expect(dockerignore, `${source} is excluded by .dockerignore`).not.toContain(top);
      expect(dockerignore).not.toContain(source);
    }
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output, VCS, secrets and test artefacts out of the build context', () => {
    expect(dockerignore).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', '.env', 'reports', 'coverage', '*.log']));
    for (const needed of ['src', 'cards', 'clinical', 'fixtures', 'scripts', 'package.json', 'package-lock.json']) {
      expect(dockerignore).not.toContain(needed);
    }
  });
});

describe('docker-compose.yml', () => {
  type Service = {
    image?: string;
    build?: { context?: string; target?: string };
    ports?: string[];
    network_mode?: string;
    environment?: Record<string, string>;
    command?: string[];
    depends_on?: Record<string, { condition: string }>;
    restart?: string;
  };
  const compose = parseYaml(read('docker-compose.yml')) as { services: Record<string, Service> };
  const services = compose.services;
  const service = (name: string): Service => {
    const s = services[name];
    if (!s) throw new Error(`no service ${name}`);
    return s;
  };

  it('parses and names the services hapi, fixtures-loader, postgres and nec-cds', () => {
    expect(Object.keys(services).sort()).toEqual(['fixtures-loader', 'hapi', 'nec-cds', 'postgres']);
  });

  it('postgres: pinned image with a pg_isready healthcheck; nec-cds waits for it and stores in it (DATABASE_URL)', () => {
    const postgres = service('postgres') as Service & { environment: Record<string, string>; healthcheck?: { test: string[] } };
    expect(postgres.image).toMatch(/^postgres:\d+\.\d+-bookworm$/);
    expect(postgres.healthcheck?.test).toEqual(['CMD', 'pg_isready', '-U', postgres.environment.POSTGRES_USER, '-d', postgres.environment.POSTGRES_DB]);
    expect(postgres.ports).toBeUndefined();
    const cds = service('nec-cds');
    expect(cds.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    const url = new URL((cds.environment?.DATABASE_URL ?? '').replace(/\$\{POSTGRES_PASSWORD:-([^}]*)\}/, '$1'));
    expect(url.protocol).toBe('postgres:');
    expect(url.host).toBe('postgres:5432');
    expect(url.username).toBe(postgres.environment.POSTGRES_USER);
    expect(url.pathname).toBe(`/${postgres.environment.POSTGRES_DB}`);
    expect(postgres.environment.POSTGRES_PASSWORD).toBe(`\${POSTGRES_PASSWORD:-${url.password}}`);
  });

  it('hapi: pinned HAPI FHIR image, R4, on 8080 (and publishing nec-cds on 3000: they share its network namespace)', () => {
    const hapi = service('hapi');
    expect(hapi.image).toMatch(/^hapiproject\/hapi:v\d+\.\d+\.\d+(-\d+)?$/);
    expect(hapi.ports).toEqual(['8080:8080', '3000:3000']);
    expect(hapi.environment).toMatchObject({
      'hapi.fhir.fhir_version': 'R4',
      'hapi.fhir.allow_external_references': 'true',
      'hapi.fhir.cors.allow_Credentials': 'true',
      'hapi.fhir.cors.allowed_origin': '*',
    });
  });

  it('fixtures-loader: one-shot, built from its Dockerfile target, loads into http://hapi:8080/fhir', () => {
    const loader = service('fixtures-loader');
    expect(loader.build).toMatchObject({ context: '.', target: 'fixtures-loader' });
    expect(loader.command?.[0]).toBe('http://hapi:8080/fhir');
    expect(loader.restart).toBe('no');
    expect(loader.depends_on).toEqual({ hapi: { condition: 'service_started' } });
  });

  it('nec-cds: the runtime target on 3000 with auth settings taken from the host environment', () => {
    const cds = service('nec-cds');
    expect(cds.build).toMatchObject({ context: '.', target: 'runtime' });
    // In hapi's network namespace, so the FHIR URL a browser client sends (http://localhost:8080/fhir) works here too.
    expect(cds.network_mode).toBe('service:hapi');
    expect(cds.ports).toBeUndefined();
    const env = cds.environment ?? {};
    expect(env.CDS_AUTH).toMatch(/^\$\{CDS_AUTH:-(disabled|required)\}$/);
    expect(env.CDS_TRUSTED_CLIENTS).toMatch(/^\$\{CDS_TRUSTED_CLIENTS(:-)?\}$/);
    expect(env.PUBLIC_BASE_URLS).toContain('http://localhost:3000');
    expect(env.LOG_LEVEL).toContain('info');
  });

  it('a compose default of CDS_AUTH=disabled carries a loud warning', () => {
    const text = read('docker-compose.yml');
    if (/CDS_AUTH:-disabled/.test(text)) expect(text).toMatch(/!!!.*NOT authenticated/);
  });

  it('passes nec-cds only variables that src/config.ts knows', () => {
    const known = new Set(configVariables());
    expect(known.size).toBeGreaterThan(10);
    for (const key of Object.keys(service('nec-cds').environment ?? {})) expect(known, key).toContain(key);
  });

  it('builds only targets that the Dockerfile defines', () => {
    const names = new Set(stages.map((s) => s.name));
    for (const s of Object.values(services)) if (s.build?.target) expect(names).toContain(s.build.target);
  });
});

describe('docs/deployment.md', () => {
  const docs = read('docs/deployment.md');

  it('documents every environment variable of src/config.ts', () => {
    for (const name of configVariables()) expect(docs, name).toContain(`\`${name}\``);
  });

  it('says plainly that the image was not built here', () => {
    expect(docs).toMatch(/no Docker engine/i);
  });
});
