import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CONFIG_KEYS } from '../../src/config/config';
import { startTestApp, type TestApp } from '../support/test-app';

const K8S = join(__dirname, '../../k8s');

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML, checked field by field */
type Manifest = Record<string, any>;

function loadManifests(): { file: string; doc: Manifest }[] {
  const out: { file: string; doc: Manifest }[] = [];
  for (const file of readdirSync(K8S)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    for (const document of parseAllDocuments(readFileSync(join(K8S, file), 'utf8'))) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
      const doc = document.toJS() as Manifest | null;
      if (doc) out.push({ file, doc });
    }
  }
  return out;
}

const manifests = loadManifests();
const one = (kind: string): Manifest => {
  const found = manifests.filter((m) => m.doc.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]!.doc;
};
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

// Variables the pod sets for the runtime rather than for OCP's config schema.
const RUNTIME_ENV = new Set(['TMPDIR']);

describe('Kubernetes manifests (k8s/*.yaml parsed as YAML)', () => {
  const deployment = () => one('Deployment');
  const container = () => deployment().spec.template.spec.containers[0];
  const configMap = () => one('ConfigMap');

  it('when every file is parsed, then each document is a named object of a known kind, with no namespace', () => {
    expect(manifests.map((m) => m.doc.kind).sort()).toEqual(
      [
        'ConfigMap',
        'CronJob',
        'CronJob',
        'CronJob',
        'Deployment',
        'HorizontalPodAutoscaler',
        'Ingress',
        'PersistentVolumeClaim',
        'PodDisruptionBudget',
        'Secret',
        'Service',
      ].sort(),
    );
    for (const { file, doc } of manifests) {
      expect({ file, apiVersion: typeof doc.apiVersion, name: typeof doc.metadata?.name }).toEqual({
        file,
        apiVersion: 'string',
        name: 'string',
      });
      expect(doc.metadata.namespace).toBeUndefined();
    }
  });

  it('when the Deployment is read, then its selector matches its pods and it runs as non-root on a read-only root', () => {
    const d = deployment();
    expect(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
    expect(d.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(container().securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(container().resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container().resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
  });

  it('when every container is read, then it has liveness and readiness probes, cpu and memory requests and limits, and a pinned image', () => {
    const spec = deployment().spec.template.spec;
    const all = [...spec.containers, ...(spec.initContainers ?? [])] as Manifest[];
    const version = (JSON.parse(readFileSync(join(K8S, '../package.json'), 'utf8')) as { version: string }).version;
    for (const c of all) {
      expect({ name: c.name, liveness: c.livenessProbe?.httpGet?.path, readiness: c.readinessProbe?.httpGet?.path }).toEqual({
        name: c.name,
        liveness: expect.any(String),
        readiness: expect.any(String),
      });
      for (const side of ['requests', 'limits'])
        expect(c.resources?.[side]).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(c.image).toMatch(/^[\w./-]+:(?!latest$)[\w.-]+$/);
    }
    expect(container().image).toBe(`ocp-api:${version}`);
  });

  it('when secrets are followed, then each secret setting comes only from the Secret, never from the ConfigMap or a literal', () => {
    const secretKeys = Object.keys(one('Secret').stringData);
    expect(secretKeys).toEqual(expect.arrayContaining(['JWT_SECRET', 'ENCRYPTION_KEYS', 'DATABASE_URL']));
    expect(Object.keys(configMap().data).filter((k) => secretKeys.includes(k) || /SECRET|PASSWORD|TOKEN|KEY/.test(k))).toEqual([]);
    for (const env of (container().env ?? []) as Manifest[]) {
      if (secretKeys.includes(env.name) || /SECRET|PASSWORD|TOKEN|KEY/.test(env.name)) {
        expect({ name: env.name, value: env.value, from: Object.keys(env.valueFrom ?? {}) }).toEqual({
          name: env.name,
          value: undefined,
          from: ['secretKeyRef'],
        });
      }
    }
  });

  it('when the root filesystem is read-only, then a writable volume is mounted at TMPDIR', () => {
    expect(container().securityContext.readOnlyRootFilesystem).toBe(true);
    const tmpdir = (container().env as Manifest[]).find((e) => e.name === 'TMPDIR')?.value ?? '/tmp';
    const mount = (container().volumeMounts as Manifest[]).find((m) => m.mountPath === tmpdir);
    expect(mount?.readOnly).not.toBe(true);
    const volume = (deployment().spec.template.spec.volumes as Manifest[]).find((v) => v.name === mount?.name);
    expect(volume?.emptyDir).toBeDefined();
  });

  it('when ports are followed from the Ingress to the container, then they all meet at the PORT the app listens on', () => {
    const port = container().ports.find((p: Manifest) => p.name === 'http');
    expect(port.containerPort).toBe(Number(configMap().data.PORT));
    const service = one('Service');
    expect(matches(service.spec.selector, deployment().spec.template.metadata.labels)).toBe(true);
    const servicePort = service.spec.ports.find((p: Manifest) => p.targetPort === 'http');
    expect(servicePort).toBeDefined();
    const paths = one('Ingress').spec.rules.flatMap((r: Manifest) => r.http.paths);
    for (const { backend } of paths) expect(backend.service).toEqual({ name: service.metadata.name, port: { name: servicePort.name } });
  });

  it('when the Ingress routes are read, then /metrics and /ready are not reachable from outside', () => {
    const paths = one('Ingress').spec.rules.flatMap((r: Manifest) => r.http.paths);
    const exposes = (path: string) => paths.some((p: Manifest) => (p.pathType === 'Exact' ? p.path === path : path.startsWith(p.path)));
    expect(exposes('/api/v1/wallets')).toBe(true);
    expect(exposes('/health')).toBe(true);
    expect(exposes('/metrics')).toBe(false);
    expect(exposes('/ready')).toBe(false);
  });

  it('when the Ingress is read, then TLS covers every host it routes', () => {
    const ingress = one('Ingress');
    const tlsHosts = ingress.spec.tls.flatMap((t: Manifest) => t.hosts);
    expect(ingress.spec.tls.every((t: Manifest) => typeof t.secretName === 'string')).toBe(true);
    for (const rule of ingress.spec.rules) expect(tlsHosts).toContain(rule.host);
  });

  it('when the autoscaler and disruption budget are read, then they target the API and a drain can always proceed', () => {
    const hpa = one('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: deployment().metadata.name });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    const pdb = one('PodDisruptionBudget');
    expect(matches(pdb.spec.selector.matchLabels, deployment().spec.template.metadata.labels)).toBe(true);
    expect(pdb.spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
  });

  it('when a pod is stopped, then the grace period outlasts the preStop pause plus SHUTDOWN_TIMEOUT_MS', () => {
    const preStop = container().lifecycle.preStop.exec.command as string[];
    expect(preStop[0]).toBe('sleep');
    const pauseMs = Number(preStop[1]) * 1000;
    const graceMs = deployment().spec.template.spec.terminationGracePeriodSeconds * 1000;
    expect(graceMs).toBeGreaterThan(pauseMs + Number(configMap().data.SHUTDOWN_TIMEOUT_MS));
  });

  it('when environment variables are listed, then each is a setting of the config schema', () => {
    const names = [
      ...Object.keys(configMap().data),
      ...Object.keys(one('Secret').stringData),
      ...(container().env ?? []).map((e: Manifest) => e.name).filter((n: string) => !RUNTIME_ENV.has(n)),
    ];
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => !(CONFIG_KEYS as string[]).includes(n))).toEqual([]);
    const sources = container().envFrom.map((s: Manifest) => s.configMapRef?.name ?? s.secretRef?.name);
    expect(sources).toEqual([configMap().metadata.name, one('Secret').metadata.name]);
  });

  describe('backup CronJobs (k8s/backup-cronjobs.yaml)', () => {
    const cronJobs = () => manifests.filter((m) => m.doc.kind === 'CronJob').map((m) => m.doc);
    const cronJob = (name: string) => cronJobs().find((c) => c.metadata.name === name)!;
    const podOf = (c: Manifest) => c.spec.jobTemplate.spec.template.spec;
    const commandOf = (name: string) => (podOf(cronJob(name)).containers[0].command as string[]).join(' ');

    it('when the schedules are read, then a daily full backup, an hourly incremental and a weekly drill run in UTC, never overlapping', () => {
      expect(
        cronJobs()
          .map((c) => [c.metadata.name, c.spec.schedule])
          .sort(),
      ).toEqual([
        ['ocp-backup-daily', '0 3 * * *'],
        ['ocp-backup-incremental', '5 * * * *'],
        ['ocp-recovery-drill', '0 5 * * 0'],
      ]);
      expect(commandOf('ocp-backup-daily')).toBe('node --import tsx src/scripts/backup.ts');
      expect(commandOf('ocp-backup-incremental')).toBe('node --import tsx src/scripts/backup.ts --incremental');
      expect(commandOf('ocp-recovery-drill')).toBe('node --import tsx src/scripts/recovery-drill.ts');
      for (const c of cronJobs()) {
        expect({ name: c.metadata.name, tz: c.spec.timeZone, policy: c.spec.concurrencyPolicy, restart: podOf(c).restartPolicy }).toEqual({
          name: c.metadata.name,
          tz: 'Etc/UTC',
          policy: 'Forbid',
          restart: 'Never',
        });
      }
      // The drill alert fires after 8 days without a passed drill: a weekly drill leaves a day's slack.
      expect(cronJob('ocp-recovery-drill').spec.jobTemplate.spec.backoffLimit).toBe(0);
    });

    it('when their pods are read, then they run as the API does: non-root, read-only root, limits, pinned image, same ConfigMap and Secret', () => {
      const version = (JSON.parse(readFileSync(join(K8S, '../package.json'), 'utf8')) as { version: string }).version;
      for (const c of cronJobs()) {
        const pod = podOf(c);
        const box = pod.containers[0] as Manifest;
        expect(pod.securityContext.runAsNonRoot).toBe(true);
        expect(box.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
        for (const side of ['requests', 'limits'])
          expect(box.resources?.[side]).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(box.image).toBe(`ocp-backup:${version}`);
        expect(box.envFrom).toEqual(container().envFrom);
        const names = (box.env as Manifest[]).map((e) => e.name).filter((n: string) => !RUNTIME_ENV.has(n));
        expect(names.filter((n) => !(CONFIG_KEYS as string[]).includes(n))).toEqual([]);
        expect((box.env as Manifest[]).every((e) => !/SECRET|PASSWORD|TOKEN|KEY|URL/.test(e.name))).toBe(true);
        const tmp = (box.volumeMounts as Manifest[]).find((m) => m.mountPath === '/tmp');
        expect(pod.volumes.find((v: Manifest) => v.name === tmp?.name)?.emptyDir).toBeDefined();
      }
    });

    it('when BACKUP_DIR is followed, then the daily backup and the drill mount the same claim there', () => {
      const claim = one('PersistentVolumeClaim').metadata.name;
      for (const name of ['ocp-backup-daily', 'ocp-recovery-drill']) {
        const pod = podOf(cronJob(name));
        const box = pod.containers[0] as Manifest;
        const dir = (box.env as Manifest[]).find((e) => e.name === 'BACKUP_DIR')?.value;
        const mount = (box.volumeMounts as Manifest[]).find((m) => m.mountPath === dir);
        expect({ name, claim: pod.volumes.find((v: Manifest) => v.name === mount?.name)?.persistentVolumeClaim?.claimName }).toEqual({
          name,
          claim,
        });
      }
    });

    it('when the Dockerfile is read, then the backup image they run has PostgreSQL 16 client tools and runs as node', () => {
      const dockerfile = readFileSync(join(K8S, '../Dockerfile'), 'utf8');
      const stage = /^FROM node:20-slim AS backup$([\s\S]*?)^FROM /m.exec(dockerfile)?.[1] ?? '';
      expect(stage).toMatch(/postgresql-client-16/);
      expect(stage).toMatch(/^USER node$/m);
      // The default target (the last stage) is still the API.
      expect(
        dockerfile
          .trimEnd()
          .split('\n')
          .filter((l) => l.startsWith('FROM '))
          .at(-1),
      ).toBe('FROM node:20-slim AS runtime');
    });
  });

  describe('probes against the app', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('when the liveness and readiness probe paths are requested, then the app answers 200 on both', async () => {
      const liveness = container().livenessProbe.httpGet;
      const readiness = container().readinessProbe.httpGet;
      expect([liveness.path, readiness.path]).toEqual(['/health', '/ready']);
      for (const probe of [liveness, readiness]) {
        expect(probe.port).toBe('http');
        expect((await t.http().get(probe.path)).status).toBe(200);
      }
    });
  });
});
