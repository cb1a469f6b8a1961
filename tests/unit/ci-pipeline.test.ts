import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startTestApp, type TestApp } from '../support/test-app';

const ROOT = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  services?: Record<string, { image: string }>;
  steps: Step[];
}

const workflow = parse(read('.github/workflows/ci.yml')) as { jobs: Record<string, Job> };
const ciRun = read('.ci/run');
const pkg = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
};
const needs = (job: string) => [workflow.jobs[job]!.needs ?? []].flat();
const runs = (job: string) => workflow.jobs[job]!.steps.map((s) => s.run ?? '').join('\n');

describe('the CI/CD pipeline (.github/workflows/ci.yml) against .ci/run', () => {
  it('when the jobs are read, then lint and tests gate the image, which goes to staging, a smoke test, then production', () => {
    expect(needs('image').sort()).toEqual(['lint-and-typecheck', 'test']);
    expect(needs('deploy-staging')).toEqual(['image']);
    expect(needs('smoke-staging')).toEqual(['deploy-staging']);
    expect(needs('promote-production')).toContain('smoke-staging');
    expect(workflow.jobs['deploy-staging']!.if).toBe("github.ref == 'refs/heads/main'");
  });

  it('when the test job is read, then it runs the suites on the embedded store and on PostgreSQL + Redis, as .ci/run does', () => {
    const test = workflow.jobs.test!;
    const suites = test.steps.filter((s) => s.run === 'npm test' || s.run === 'npm run coverage');
    expect(suites.map((s) => s.env?.DATABASE_URL !== undefined)).toEqual([false, true]);
    expect(suites[1]!.env).toEqual({
      DATABASE_URL: expect.stringMatching(/^postgres:\/\/.*\/test$/),
      REDIS_URL: expect.stringMatching(/^redis:\/\//),
    });
    expect(ciRun).toMatch(/env -u DATABASE_URL -u REDIS_URL npm test/);
    // The PostgreSQL pass is the same suite with coverage (npm test -- --coverage) and its floor.
    expect(suites[1]!.run).toBe('npm run coverage');
    expect(ciRun).toMatch(/DATABASE_URL=\$PG_URL REDIS_URL=\$REDIS_URL_CI npm run coverage/);
  });

  it('when versions are compared, then CI, the image and compose use the same Node, PostgreSQL and Redis majors', () => {
    const nodes = Object.values(workflow.jobs).flatMap((j) =>
      j.steps.filter((s) => s.uses?.startsWith('actions/setup-node')).map((s) => s.with?.['node-version']),
    );
    expect(new Set(nodes)).toEqual(new Set([20]));
    expect(pkg.engines.node).toMatch(/^>=20\./);
    expect(read('Dockerfile')).toMatch(/^FROM node:20-slim AS build$/m);
    const compose = read('docker-compose.yml');
    for (const service of Object.values(workflow.jobs.test!.services!)) expect(compose).toContain(`image: ${service.image}`);
  });

  it('when the compose checks are read, then .ci/run validates the same profiles as the image job', () => {
    const profiles = (text: string) => [...text.matchAll(/docker compose(.*) config --quiet/g)].map((m) => m[1]!.trim());
    expect(profiles(ciRun)).toEqual(profiles(runs('image')));
    expect(profiles(ciRun)).toContain('--profile observability');
  });

  it('when type-check and lint are read, then CI and .ci/run both install the linter and run the package scripts', () => {
    expect(runs('lint-and-typecheck')).toContain('npm run typecheck');
    expect(runs('lint-and-typecheck')).toContain('npm run lint:install && npm run lint');
    // The root project first, then each package on its own settings (the SDK without Node's types,
    // the dashboard with the DOM's and JSX).
    expect(pkg.scripts.typecheck).toMatch(/^tsc --noEmit -p \. && /);
    expect(pkg.scripts.typecheck).toContain('tsc --noEmit -p packages/dashboard');
    expect(ciRun).toMatch(/^npm run typecheck$/m);
    // The SDK's generated types must match a fresh generation, in both pipelines.
    expect(runs('lint-and-typecheck')).toContain('npm run sdk:check');
    expect(ciRun).toMatch(/^npm run sdk:check$/m);
    expect(pkg.scripts.lint).toContain('--config tools/lint/eslint.config.mjs');
    expect(pkg.scripts['lint:install']).toContain('--prefix tools/lint');
    // .ci/run lints, and installs the linter before it does.
    const install = ciRun.search(/^npm run lint:install$/m);
    const lint = ciRun.search(/^npm run lint$/m);
    expect(install).toBeGreaterThan(-1);
    expect(lint).toBeGreaterThan(install);
    // The linter's own install must not be committed.
    expect(read('.gitignore').split('\n')).toContain('node_modules');
    // The root must not depend on ESLint: its TypeScript 7 and typescript-eslint's peer cannot share a tree.
    expect(pkg.devDependencies.eslint).toBeUndefined();
  });

  it('when the deploy jobs are read, then they apply the manifests but never the Secret template, and roll out by digest', () => {
    for (const job of ['deploy-staging', 'promote-production']) {
      expect(runs(job)).toContain('[ "$f" = k8s/secret.template.yaml ] || kubectl apply');
      expect(runs(job)).toContain('deployment/ocp-api api="$IMAGE@${{ needs.image.outputs.digest }}"');
      expect(runs(job)).toContain('kubectl rollout status');
    }
  });

  describe('the smoke test against the app', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('when the smoke test calls /health and an API route without a token, then the app answers 200 and 401 as it expects', async () => {
      const smoke = runs('smoke-staging');
      expect(smoke).toContain('"$BASE/health"');
      expect(smoke).toContain(`"$BASE/api/v1/wallets")" = 401`);
      expect((await t.http().get('/health')).status).toBe(200);
      expect((await t.http().get('/api/v1/wallets')).status).toBe(401);
    });
  });
});
