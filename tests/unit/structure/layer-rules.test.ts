import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

// The layer rules of .dependency-cruiser.cjs (what `npm run lint:deps` and `npm run lint` run),
// shown to hold on the real source and to fail on a small project that breaks one rule at a time.

const ROOT = resolve(__dirname, '../../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

type Files = Record<string, string>;

/** A project that keeps every rule: two modules, one reaching the other through its index.ts. */
const CLEAN: Files = {
  'src/http/api.ts': 'export interface Api { route(path: string): void }\n',
  'src/modules/alpha/alpha.repository.ts': 'export interface AlphaRepository { find(id: string): Promise<string | null> }\n',
  'src/infra/db/database.ts': 'export interface SqlClient { query(text: string): Promise<unknown> }\n',
  'src/modules/alpha/adapters/sql-alpha.repository.ts': [
    "import type { SqlClient } from '../../../infra/db/database';",
    "import type { AlphaRepository } from '../alpha.repository';",
    'export class SqlAlphaRepository implements AlphaRepository { constructor(readonly db?: SqlClient) {} async find(id: string) { return id; } }',
  ].join('\n'),
  'src/modules/alpha/alpha.service.ts': [
    "import type { AlphaRepository } from './alpha.repository';",
    'export class AlphaService { constructor(private readonly repo: AlphaRepository) {} get(id: string) { return this.repo.find(id); } }',
  ].join('\n'),
  'src/modules/alpha/alpha.routes.ts': [
    "import type { Api } from '../../http/api';",
    "import type { AlphaService } from './alpha.service';",
    "export function alphaRoutes(api: Api, alpha: AlphaService): void { api.route('/alpha'); void alpha; }",
  ].join('\n'),
  'src/modules/alpha/alpha.module.ts': [
    "import { SqlAlphaRepository } from './adapters/sql-alpha.repository';",
    "import { AlphaService } from './alpha.service';",
    'export function createAlphaModule() { return new AlphaService(new SqlAlphaRepository()); }',
  ].join('\n'),
  'src/modules/alpha/index.ts': [
    "export { createAlphaModule } from './alpha.module';",
    "export { alphaRoutes } from './alpha.routes';",
    "export type { AlphaService } from './alpha.service';",
  ].join('\n'),
  'src/modules/beta/beta.service.ts': [
    "import type { AlphaService } from '../alpha';",
    'export class BetaService { constructor(readonly alpha: AlphaService) {} }',
  ].join('\n'),
  'src/modules/beta/index.ts': "export type { BetaService } from './beta.service';\n",
  'src/app.ts': "import { alphaRoutes } from './modules/alpha';\nexport const routes = [alphaRoutes];\n",
  'src/container.ts': "import { createAlphaModule } from './modules/alpha';\nexport const alpha = createAlphaModule();\n",
};

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function writeProject(files: Files): string {
  const dir = mkdtempSync(join(tmpdir(), 'ocp-layer-rules-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function cruise(cwd: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [DEPCRUISE, '--config', CONFIG, '--no-progress', 'src'], {
    cwd,
    encoding: 'utf8',
    timeout: 50_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('layer rules (dependency-cruiser)', () => {
  it('when the project source is cruised, then no rule is broken: no cycle, no import into a module internal', () => {
    const { status, output } = cruise(ROOT);
    expect(output).toContain('no dependency violations found');
    expect(status).toBe(0);
  });

  it('when a small project keeps every rule, then it passes', () => {
    const { status, output } = cruise(writeProject(CLEAN));
    expect(output).toContain('no dependency violations found');
    expect(status).toBe(0);
  });

  // Every violation below in one project beside the clean files, each in a file of its own: one
  // cruise (dependency-cruiser loads TypeScript, a second of CPU per run) reports them all, and each
  // case finds its rule reported against its own file.
  const violations: { rule: string; what: string; files: Files; offender: RegExp }[] = [
    {
      rule: 'no-module-internals',
      what: "a module imports another module's service file instead of its index.ts",
      files: {
        'src/modules/beta/beta-reach.service.ts':
          "import type { AlphaService } from '../alpha/alpha.service';\nexport type B = AlphaService;\n",
      },
      offender: /src\/modules\/beta\/beta-reach\.service\.ts/,
    },
    {
      rule: 'only-index-from-outside',
      what: "the app's code outside modules imports a module's adapter",
      files: {
        'src/worker.ts':
          "import { SqlAlphaRepository } from './modules/alpha/adapters/sql-alpha.repository';\nexport const r = new SqlAlphaRepository();\n",
      },
      offender: /src\/worker\.ts/,
    },
    {
      rule: 'adapters-only-from-module-factories',
      what: 'a service imports an adapter',
      files: {
        'src/modules/alpha/alpha-adapter.service.ts':
          "import { SqlAlphaRepository } from './adapters/sql-alpha.repository';\nexport const r = new SqlAlphaRepository();\n",
      },
      offender: /src\/modules\/alpha\/alpha-adapter\.service\.ts/,
    },
    {
      rule: 'storage-only-in-adapters',
      what: 'a repository port names a SQL type',
      files: {
        'src/modules/alpha/alpha-sql.repository.ts': [
          "import type { SqlClient } from '../../infra/db/database';",
          'export interface AlphaSqlRepository { find(id: string, tx?: SqlClient): Promise<string | null> }',
        ].join('\n'),
      },
      offender: /src\/modules\/alpha\/alpha-sql\.repository\.ts/,
    },
    {
      rule: 'storage-only-in-adapters',
      what: 'a service imports the database',
      files: {
        'src/modules/alpha/alpha-db.service.ts': "import type { SqlClient } from '../../infra/db/database';\nexport type S = SqlClient;\n",
      },
      offender: /src\/modules\/alpha\/alpha-db\.service\.ts/,
    },
    {
      rule: 'no-http-below-routes',
      what: 'a service imports src/http',
      files: { 'src/modules/alpha/alpha-http.service.ts': "import type { Api } from '../../http/api';\nexport type A = Api;\n" },
      offender: /src\/modules\/alpha\/alpha-http\.service\.ts/,
    },
    {
      rule: 'services-do-not-import-routes',
      what: 'a service imports its routes',
      files: {
        'src/modules/alpha/alpha-mount.service.ts': "import { alphaRoutes } from './alpha.routes';\nexport const r = alphaRoutes;\n",
      },
      offender: /src\/modules\/alpha\/alpha-mount\.service\.ts/,
    },
    {
      rule: 'ports-do-not-import-services-or-routes',
      what: 'a port imports a service',
      files: {
        'src/modules/alpha/alpha-port.repository.ts':
          "import type { AlphaService } from './alpha.service';\nexport type P = AlphaService;\n",
      },
      offender: /src\/modules\/alpha\/alpha-port\.repository\.ts/,
    },
    {
      rule: 'no-cycles',
      what: 'two files import each other (type-only imports count)',
      files: {
        'src/modules/alpha/alpha.types.ts': "import type { AlphaHelper } from './alpha.helper';\nexport type AlphaType = AlphaHelper;\n",
        'src/modules/alpha/alpha.helper.ts':
          "import type { AlphaType } from './alpha.types';\nexport type AlphaHelper = { t?: AlphaType };\n",
      },
      // Either file may be named first: the loop is reported from where the cruise entered it.
      offender: /src\/modules\/alpha\/alpha\.(types|helper)\.ts →/,
    },
  ];

  let broken: { status: number | null; output: string };
  beforeAll(() => {
    broken = cruise(writeProject(Object.assign({ ...CLEAN }, ...violations.map((v) => v.files))));
  });

  it.each(violations)('when $what, then $rule fails the lint', ({ rule, offender }) => {
    expect(broken.status).not.toBe(0);
    expect(broken.output).toMatch(new RegExp(`error ${rule}: ${offender.source}`));
  });
});
