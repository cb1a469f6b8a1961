import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_KEYS, loadConfig } from '../../src/config/config';

interface Compose {
  services: Record<
    string,
    {
      image?: string;
      build?: unknown;
      env_file?: unknown;
      environment?: Record<string, string>;
      healthcheck?: unknown;
      depends_on?: Record<string, unknown>;
    }
  >;
}

const ROOT = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** KEY=value lines of an env file, comments and blank lines left out. */
function envFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  return Object.fromEntries(entries);
}

/** Two-space-indented UPPER_CASE keys of a ConfigMap's data or a Secret's stringData. */
const manifestKeys = (text: string) => [...text.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!);

describe('settings documentation', () => {
  it('when the README configuration table is read, then it has a row for every setting', () => {
    const readme = read('README.md');
    const missing = CONFIG_KEYS.filter((key) => !readme.includes(`| \`${key}\` |`));
    expect(missing).toEqual([]);
  });

  it('when .env.example is read, then it lists exactly the settings, each with a comment above, and loads', () => {
    const text = read('.env.example');
    const env = envFile(text);
    expect(Object.keys(env).sort()).toEqual([...CONFIG_KEYS].sort());
    const lines = text.split('\n');
    const uncommented = lines.filter((line, i) => /^[A-Z]/.test(line) && !/^#|^[A-Z]/.test(lines[i - 1] ?? ''));
    expect(uncommented).toEqual([]);
    expect(() => loadConfig(env)).not.toThrow();
  });
});

describe('deployment files (checked as text: no container engine here)', () => {
  it('when the Kubernetes ConfigMap and Secret template are read, then every key is a real setting', () => {
    const keys = [...manifestKeys(read('k8s/configmap.yaml')), ...manifestKeys(read('k8s/secret.template.yaml'))];
    expect(keys.length).toBeGreaterThan(10);
    expect(keys.filter((k) => !(CONFIG_KEYS as string[]).includes(k))).toEqual([]);
  });

  it('when the Secret template is read, then every value is a marked placeholder', () => {
    const values = [...read('k8s/secret.template.yaml').matchAll(/^ {2}[A-Z_]+: (.*)$/gm)].map((m) => m[1]!);
    expect(values.length).toBeGreaterThan(0);
    expect(values.filter((v) => !v.includes('CHANGE-ME'))).toEqual([]);
  });

  it('when the root Dockerfile is read, then it is multi-stage on node:20-slim, non-root, prod deps only, with a /health check', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.match(/^FROM node:20-slim AS \w+/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^RUN npm ci --no-audit/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^EXPOSE 3000$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*CMD \["node", "docker\/healthcheck\.js"\]/m);
    expect(read('docker/healthcheck.js')).toMatch(/path: '\/health'/);
    // Exec form with node first: a shell or npm in between would swallow SIGTERM.
    expect(dockerfile).toMatch(/^CMD \["node", "--max-semi-space-size=32", "--import", "tsx", "src\/server\.ts"\]$/m);
    expect(JSON.parse(read('package.json')).dependencies.tsx).toBeDefined();
    for (const path of ['.dockerignore']) expect(read(path)).toMatch(/^node_modules$/m);
  });

  it('when docker-compose.yml is parsed, then images are pinned, api waits for every service with a health check, and reads .env', () => {
    const compose = parse(read('docker-compose.yml')) as Compose;
    const services = Object.entries(compose.services);
    for (const [name, service] of services) {
      if (service.build) continue;
      expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(/^[\w./-]+:(?!latest$)[\w.-]+$/) });
    }
    const api = compose.services.api!;
    expect(api.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(api.env_file).toEqual([{ path: '.env', required: false }]);
    const checked = services.filter(([, service]) => service.healthcheck).map(([name]) => name);
    expect(checked.sort()).toEqual(['postgres', 'redis']);
    for (const name of checked) expect(api.depends_on?.[name]).toEqual({ condition: 'service_healthy' });
    expect(compose.services.postgres!.image).toMatch(/^postgres:16/);
    expect(compose.services.redis!.image).toMatch(/^redis:7/);
  });

  it('when the compose stack and its Prometheus are read, then Prometheus sends the METRICS_TOKEN the api is given', () => {
    const apiToken = (parse(read('docker-compose.yml')) as Compose).services.api!.environment?.METRICS_TOKEN;
    const prometheus = read('docker/prometheus/prometheus.yml');
    expect(apiToken).toBeDefined();
    expect(apiToken!.length).toBeGreaterThanOrEqual(32);
    expect(prometheus).toMatch(/authorization:\n\s+type: Bearer\n\s+credentials: (\S+)/);
    expect(/credentials: (\S+)/.exec(prometheus)?.[1]).toBe(apiToken);
  });
});
