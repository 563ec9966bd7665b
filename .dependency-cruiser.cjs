// Import boundaries of src/, checked by `npm run check:imports` (part of `npm test`).
//
// Data flows one way: http → resolvers / ingress → application services → projections and read
// models → domain → events → event store, with the providers' catalog, oauth, the vault,
// configuration and the platform adapters as leaves. A folder may import the folders below it in
// LAYERS, and the folders on its own line; never one above. The rules below are generated from this
// one list, so the order written here is the architecture.
const LAYERS = [
  ['app', 'cli'], // composition root: wires everything, nothing imports it
  ['http', 'web'], // Fastify, GraphQL over HTTP and websockets, REST routes; server-rendered pages
  ['resolvers', 'ingress'], // the GraphQL schema; the webhook gateway
  ['auth'], // callers: operator tokens, JWTs, scopes, tenancy
  ['proxy'], // pass-through provider calls, declared actions and their audit records
  ['sync'], // the sync engine: scheduler, runs, provider client, rate governor, drift
  ['connections'], // application services: install flow, tokens, credentials, revocation
  ['tenants'], // tenant deletion, key rotation, the tenant directory
  ['audit'], // signed seals over the log, their verification, proofs and exports
  ['commands'], // the one command executor (decide, append, wait for the read models)
  ['projections'], // the runner, the read-model projections, rebuild and verify
  ['readmodels'], // the read side: database plumbing and queries
  ['domain'], // deciders and pure rules
  ['events'], // event schemas, stream names, sealed parts
  ['eventstore'], // the log: the envelope, SQL and KurrentDB adapters
  ['oauth'], // OAuth 2.0 client mechanics, driven by provider manifests
  ['connectors'], // provider manifests, normalizers, catalog
  ['signals'], // the signal vocabulary
  ['vault'], // envelope encryption
  ['config'], // environment → typed configuration
  ['platform'], // kv, leases, pubsub, logger, PostgreSQL and Redis clients
  // The metric catalog and the hub's metrics, and tracing over @opentelemetry/api (carriers, spans):
  // every component reports into it, the platform's pubsub and Redis adapters included.
  ['observability'],
  ['shared'], // errors, ids, JSON paths: no dependencies of their own
];

const folder = (name) => `^src/${name}/`;

const layerRules = LAYERS.flatMap((names, index) => {
  const above = LAYERS.slice(0, index).flat();
  if (above.length === 0) return [];
  return names.map((name) => ({
    name: `${name}-imports-no-upper-layer`,
    comment: `${name}/ may import only the layers below it (${above.join(', ')} are above)`,
    severity: 'error',
    from: { path: folder(name) },
    to: { path: `^src/(${above.join('|')})/` },
  }));
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Files must not import each other in a cycle, type imports included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-in-known-layer',
      comment: 'Every folder of src/ has its place in LAYERS (.dependency-cruiser.cjs); add a new one there.',
      severity: 'error',
      from: {
        path: '^src/',
        pathNot: `^src/(${[...LAYERS.flat(), 'generated'].join('|')})/`,
      },
      to: {},
    },
    {
      name: 'src-not-importing-tests',
      comment: 'Production code never imports test, bench or scripts code.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    // Type-only imports count: a cycle of types is still a cycle to read through.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
