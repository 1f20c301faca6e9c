/**
 * Layer rules (spec/architecture.md): `hooks → fhir → engine`, the engine pure, no cycles.
 * Run by `npm test` (and `npm run depcruise`); `process.env` outside src/config.ts is ESLint's job (depcruise can't see it).
 * @type {import('dependency-cruiser').IConfiguration}
 */
const NODE_IO = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'child_process',
  'cluster',
  'dgram',
  'dns',
  'tls',
  'worker_threads',
  'os',
  'process',
  'readline',
  'vm',
  'inspector',
  'module',
  'v8',
  'zlib',
  'stream',
];

module.exports = {
  forbidden: [
    {
      name: 'engine-is-pure-layers',
      comment:
        'src/engine is the pure bottom layer: it imports nothing from hooks, fhir, store, review, embedded-fhir nor the composition roots (app, main, config, paths).',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^src/(hooks|fhir|store|review|embedded-fhir)/|^src/(app|main|config|paths)\\.ts$' },
    },
    {
      name: 'engine-is-pure-no-io-modules',
      comment: 'src/engine does no I/O: no Node I/O modules (fs, net, http, child_process, …).',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { dependencyTypes: ['core'], path: `^(node:)?(${NODE_IO.join('|')})(/|$)` },
    },
    {
      name: 'engine-is-pure-no-io-packages',
      comment: 'src/engine does no I/O: no HTTP server, FHIR client, database or logger packages.',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: 'node_modules/(fastify|@fastify/|fastify-|pino|pg|kysely|@electric-sql/|@medplum/|jose|undici|prom-client)' },
    },
    {
      name: 'fhir-below-hooks',
      comment: 'src/fhir sits below src/hooks: it imports nothing from hooks.',
      severity: 'error',
      from: { path: '^src/fhir/' },
      to: { path: '^src/hooks/' },
    },
    {
      name: 'embedded-fhir-is-a-dev-tool',
      comment: 'src/embedded-fhir (the demo/test FHIR server) is never imported by hooks, fhir or engine.',
      severity: 'error',
      from: { path: '^src/(hooks|fhir|engine)/' },
      to: { path: '^src/embedded-fhir/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
