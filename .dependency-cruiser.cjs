// The layer rules of DESIGN.md ("Layers") and STYLE.md, written once and checked on every file in
// src/ by `npm run lint:deps` (part of `npm run lint`). Tests are not cruised: they may build a
// module from its internals. docs/architecture.md explains each rule.
//
// Which files are which, by name:
//   routes    *.routes.ts (and a module's routes/ folder)    HTTP shapes: *.schemas.ts
//   services  *.service.ts and the module's other logic files
//   ports     *.repository.ts / *.store.ts / *-provider.ts outside adapters/
//   adapters  src/modules/**/adapters/**, src/modules/**/providers/**, *.processor.ts
//   storage   src/infra/db: the SQL engines, imported by adapters and *.module.ts only
//   surface   src/modules/<name>/index.ts: the only file another module may import
const ADAPTER = '^src/modules/.+/(adapters|providers)/|^src/modules/.+\\.processor\\.ts$';
const ROUTE_LAYER = '\\.(routes|schemas)\\.ts$|^src/modules/[^/]+/routes/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Files must not import each other in a loop (type-only imports count too).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-module-internals',
      comment: "A module reaches another module only through that module's index.ts (its public surface).",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'only-index-from-outside',
      comment: 'The container, the app, src/http and the scripts import a module only through its index.ts.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/modules/' },
      to: { path: '^src/modules/[^/]+/.+', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'adapters-only-from-module-factories',
      comment: 'Adapters are picked where a module is built (*.module.ts); services, routes and ports depend on ports.',
      severity: 'error',
      from: { pathNot: [ADAPTER, '\\.module\\.ts$'] },
      to: { path: ADAPTER },
    },
    {
      name: 'storage-only-in-adapters',
      comment:
        "Only adapters and a module's factory (*.module.ts) import src/infra/db: ports, services, src/shared and src/http pass the opaque Transaction of src/shared/transaction.ts, so a document-store adapter could implement the ports without SQL types. The ops module's health check pings the database itself.",
      severity: 'error',
      from: { path: '^src/(modules|shared|http)/', pathNot: [ADAPTER, '\\.module\\.ts$', '^src/modules/ops/'] },
      to: { path: '^src/infra/db/' },
    },
    {
      name: 'no-http-below-routes',
      comment: 'Only routes (and their schemas) and the app know src/http: services, ports, adapters, infra and shared never do.',
      severity: 'error',
      from: { path: '^src/(modules|shared|infra|config)/', pathNot: ROUTE_LAYER },
      to: { path: '^src/http/' },
    },
    {
      name: 'services-do-not-import-routes',
      comment: 'routes -> services -> ports: a service never imports a route or a schema of the HTTP layer.',
      severity: 'error',
      from: { path: '\\.service\\.ts$' },
      to: { path: '\\.routes\\.ts$|^src/modules/[^/]+/routes/' },
    },
    {
      name: 'ports-do-not-import-services-or-routes',
      comment: 'routes -> services -> ports: a port (repository / store interface) depends on neither.',
      severity: 'error',
      from: { path: '\\.(repository|store)\\.ts$', pathNot: ADAPTER },
      to: { path: '\\.(service|routes)\\.ts$|^src/modules/[^/]+/routes/' },
    },
    {
      name: 'routes-only-mounted-by-the-app',
      comment: "Routes are registered by src/app.ts (through a module's index.ts); nothing else imports them.",
      severity: 'error',
      from: { pathNot: '^src/app\\.ts$|/index\\.ts$|\\.routes\\.ts$|^src/modules/[^/]+/routes/' },
      to: { path: '\\.routes\\.ts$' },
    },
    {
      name: 'services-know-no-express',
      comment: 'Services hold the business rules and never see req or res.',
      severity: 'error',
      from: { path: '\\.service\\.ts$' },
      to: { path: '(^|/)node_modules/express/' },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that cannot be resolved would hide a dependency from these rules.',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true, dependencyTypesNot: ['core'] },
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript API for dependency-cruiser to use: @swc/core (already a dev
    // dependency for Jest) parses the TypeScript, type-only imports included.
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.d\\.ts$' },
    // exportsFields: packages whose subpaths exist only in their "exports" map (@modelcontextprotocol/sdk/server/mcp.js, @x402/core/client, @a2a-js/sdk/server).
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['require', 'node', 'default'],
    },
    moduleSystems: ['cjs', 'es6'],
  },
};
