import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.js';
import { probePaths, schemaProblems, wiringProblems, workloadProblems } from './checks.js';
import { kustomizeBuild, type Manifest, strategicMerge } from './kustomize.js';

// deploy/k8s rendered as `kubectl apply -k` would (test/deploy/kustomize.ts), checked without a cluster.
const K8S = join(import.meta.dirname, '../../deploy/k8s');
const OVERLAYS = ['staging', 'production'] as const;
const render = (path: string) => kustomizeBuild(join(K8S, path));
const find = (manifests: Manifest[], kind: string, name: string) =>
  manifests.find((one) => one.kind === kind && one.metadata.name === name)!;
type Json = Record<string, unknown>;
const annotations = (manifest: Manifest) => (manifest.metadata.annotations ?? {}) as Record<string, string>;
const hosts = (manifests: Manifest[]) =>
  manifests
    .filter((one) => one.kind === 'Ingress')
    .flatMap((one) => (one.spec as { rules: { host: string }[] }).rules.map((rule) => rule.host));

describe('deploy/k8s', () => {
  it.each(['base', ...OVERLAYS.map((name) => `overlays/${name}`)])(
    '%s: every manifest passes the Kubernetes schema',
    (path) => {
      const manifests = render(path);
      expect(manifests.map((one) => `${one.kind}/${one.metadata.name}`).sort()).toEqual([
        'ConfigMap/linguamate-config',
        'Deployment/linguamate-api',
        'Deployment/linguamate-realtime',
        'Deployment/linguamate-worker',
        'HorizontalPodAutoscaler/linguamate-api',
        'HorizontalPodAutoscaler/linguamate-realtime',
        'Ingress/linguamate-api',
        'Ingress/linguamate-realtime',
        'Job/linguamate-migrate',
        'PodDisruptionBudget/linguamate-api',
        'PodDisruptionBudget/linguamate-realtime',
        'PodDisruptionBudget/linguamate-worker',
        'Service/linguamate-api',
        'Service/linguamate-realtime',
        'Service/linguamate-worker',
      ]);
      expect(schemaProblems(manifests)).toEqual([]);
    },
  );

  it.each(OVERLAYS)('%s: workloads, probes, security, configuration and wiring hold', (overlay) => {
    const manifests = render(`overlays/${overlay}`);
    expect(workloadProblems(manifests)).toEqual([]);
    expect(wiringProblems(manifests)).toEqual([]);
  });

  it.each(OVERLAYS)('%s: one namespace, its own hosts, the ingress limits the service needs', (overlay) => {
    const manifests = render(`overlays/${overlay}`);
    const namespaces = new Set(manifests.map((one) => one.metadata.namespace));
    expect(namespaces.size).toBe(1);
    expect([...namespaces][0]).toMatch(/^linguamate/);
    expect(hosts(manifests).some((host) => host.endsWith('example.com'))).toBe(false);
    const env = parseEnv({ UPLOAD_LIMIT_BYTES: undefined });
    const api = annotations(find(manifests, 'Ingress', 'linguamate-api'));
    expect(parseSize(api['nginx.ingress.kubernetes.io/proxy-body-size']!)).toBeGreaterThan(
      env.UPLOAD_LIMIT_BYTES,
    );
    expect(Number(api['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThan(
      env.UPLOAD_DEADLINE_MS / 1000,
    );
    const ws = annotations(find(manifests, 'Ingress', 'linguamate-realtime'));
    for (const timeout of ['proxy-read-timeout', 'proxy-send-timeout']) {
      expect(Number(ws[`nginx.ingress.kubernetes.io/${timeout}`])).toBeGreaterThanOrEqual(3600);
    }
    // The migration Job and the configuration it reads are applied first (README "Kubernetes").
    const phase = manifests
      .filter((one) => one.metadata.labels?.['linguamate.app/phase'] === 'pre-deploy')
      .map((one) => one.kind);
    expect(phase.sort()).toEqual(['ConfigMap', 'Job']);
  });

  it('the overlays differ in namespace, hosts, image tag and sizes', () => {
    const [staging, production] = OVERLAYS.map((overlay) => render(`overlays/${overlay}`)) as [
      Manifest[],
      Manifest[],
    ];
    expect(staging[0]!.metadata.namespace).not.toBe(production[0]!.metadata.namespace);
    expect(hosts(staging).filter((host) => hosts(production).includes(host))).toEqual([]);
    const image = (manifests: Manifest[]) =>
      (
        ((find(manifests, 'Deployment', 'linguamate-api').spec as Json).template as Json).spec as {
          containers: { image: string; resources: unknown }[];
        }
      ).containers[0]!;
    expect(image(staging).image).not.toBe(image(production).image);
    expect(image(staging).resources).not.toEqual(image(production).resources);
    const bounds = (manifests: Manifest[]) =>
      find(manifests, 'HorizontalPodAutoscaler', 'linguamate-api').spec;
    expect(bounds(staging)).not.toEqual(bounds(production));
  });

  it('the migration command is what tsconfig.build.json compiles src/cli/migrate.ts to', () => {
    const config = JSON.parse(readFileSync(join(K8S, '../../tsconfig.json'), 'utf8')) as {
      compilerOptions: { outDir: string; rootDir: string };
    };
    expect(config.compilerOptions).toMatchObject({ outDir: 'dist', rootDir: '.' });
    expect(readFileSync(join(K8S, '../../tsconfig.build.json'), 'utf8')).toContain('"include": ["src"]');
    expect(readFileSync(join(K8S, '../../src/cli/migrate.ts'), 'utf8')).toContain('runMigrations');
  });

  it('knows the real probe routes', () => {
    const paths = probePaths();
    expect([...paths.http].sort()).toEqual(['/api/health', '/api/health/live', '/api/health/ready']);
    expect([...paths.worker].sort()).toEqual(['/health', '/metrics', '/ready']);
  });
});

/** Each check, handed a manifest broken in one way, names the problem: none of them passes vacuously. */
describe('deploy/k8s checks catch', () => {
  const good = () => render('overlays/production');
  const patch = (manifests: Manifest[], kind: string, name: string, change: unknown) =>
    manifests.map((one) =>
      one.kind === kind && one.metadata.name === name ? (strategicMerge(one, change) as Manifest) : one,
    );
  const container = (change: Json) => ({
    spec: { template: { spec: { containers: [{ name: 'api', ...change }] } } },
  });
  const api = (change: Json) => patch(good(), 'Deployment', 'linguamate-api', container(change));

  it.each<[string, () => Manifest[], (manifests: Manifest[]) => string[], RegExp]>([
    [
      'a schema violation',
      () => patch(good(), 'HorizontalPodAutoscaler', 'linguamate-api', { spec: { maxReplicas: '20' } }),
      schemaProblems,
      /maxReplicas must be integer/,
    ],
    [
      'a probe on no route',
      () => api({ livenessProbe: { httpGet: { path: '/api/health/alive', port: 'http' } } }),
      workloadProblems,
      /livenessProbe is not GET/,
    ],
    [
      'a worker probe on the API path',
      () =>
        patch(good(), 'Deployment', 'linguamate-worker', {
          spec: {
            template: {
              spec: {
                containers: [{ name: 'worker', readinessProbe: { httpGet: { path: '/api/health/ready' } } }],
              },
            },
          },
        }),
      workloadProblems,
      /readinessProbe path \/api\/health\/ready is no route/,
    ],
    [
      'an unknown variable',
      () => api({ env: [{ name: 'DATABASE_HOST', value: 'db' }] }),
      workloadProblems,
      /DATABASE_HOST is not in ENV_KEYS/,
    ],
    [
      'a ConfigMap variable that is not read',
      () => patch(good(), 'ConfigMap', 'linguamate-config', { data: { LOG_LEVELS: 'info' } }),
      workloadProblems,
      /LOG_LEVELS is not in ENV_KEYS/,
    ],
    [
      'a secret in the ConfigMap',
      () => patch(good(), 'ConfigMap', 'linguamate-config', { data: { JWT_SECRET: 'x'.repeat(40) } }),
      workloadProblems,
      /JWT_SECRET is a secret/,
    ],
    [
      'a secret key that is not a secret variable',
      () =>
        api({
          env: [
            {
              name: 'AI_API_KEY',
              valueFrom: { secretKeyRef: { name: 'linguamate-secrets', key: 'OPENAI_KEY' } },
            },
          ],
        }),
      workloadProblems,
      /secret key OPENAI_KEY is not in SECRET_ENV_KEYS/,
    ],
    [
      'a secret value written inline',
      () => api({ env: [{ name: 'JWT_SECRET', value: 'x'.repeat(40) }] }),
      workloadProblems,
      /JWT_SECRET is a secret with a value/,
    ],
    [
      'configuration production refuses',
      () => patch(good(), 'ConfigMap', 'linguamate-config', { data: { CORS_ORIGINS: '*' } }),
      workloadProblems,
      /CORS_ORIGINS must list explicit origins/,
    ],
    [
      'migrations on start',
      () => patch(good(), 'ConfigMap', 'linguamate-config', { data: { MIGRATE_ON_START: 'true' } }),
      workloadProblems,
      /MIGRATE_ON_START must be false/,
    ],
    [
      'the wrong role',
      () => api({ env: [{ name: 'ROLES', value: 'api,worker' }] }),
      workloadProblems,
      /ROLES api,worker instead of api/,
    ],
    [
      'root',
      () => api({ securityContext: { runAsNonRoot: false, runAsUser: 0 } }),
      workloadProblems,
      /not runAsNonRoot as user 1000/,
    ],
    [
      'a writable root filesystem',
      () => api({ securityContext: { readOnlyRootFilesystem: false } }),
      workloadProblems,
      /root filesystem writable/,
    ],
    [
      'kept capabilities',
      () => api({ securityContext: { capabilities: { drop: [] } } }),
      workloadProblems,
      /capabilities not dropped/,
    ],
    [
      'privilege escalation',
      () => api({ securityContext: { allowPrivilegeEscalation: true } }),
      workloadProblems,
      /privilege escalation allowed/,
    ],
    ['no /tmp', () => api({ volumeMounts: null }), workloadProblems, /no emptyDir at \/tmp/],
    [
      'an unpinned image',
      () => api({ image: 'ghcr.io/linguamate/linguamate-api:latest' }),
      workloadProblems,
      /is not pinned/,
    ],
    [
      'a grace period shorter than the drain',
      () =>
        patch(good(), 'Deployment', 'linguamate-api', {
          spec: { template: { spec: { terminationGracePeriodSeconds: 20 } } },
        }),
      workloadProblems,
      /terminationGracePeriodSeconds does not cover/,
    ],
    ['no preStop sleep', () => api({ lifecycle: null }), workloadProblems, /no preStop sleep/],
    [
      'a Deployment without a PDB',
      () =>
        good().filter(
          (one) => !(one.kind === 'PodDisruptionBudget' && one.metadata.name === 'linguamate-worker'),
        ),
      wiringProblems,
      /linguamate-worker: 0 PodDisruptionBudgets/,
    ],
    [
      'a missing HPA',
      () =>
        good().filter(
          (one) => !(one.kind === 'HorizontalPodAutoscaler' && one.metadata.name === 'linguamate-realtime'),
        ),
      wiringProblems,
      /linguamate-realtime: no HorizontalPodAutoscaler/,
    ],
    [
      'replicas beside an HPA',
      () => patch(good(), 'Deployment', 'linguamate-api', { spec: { replicas: 3 } }),
      wiringProblems,
      /sets replicas although an HPA owns them/,
    ],
    [
      'an Ingress to no Service port',
      () =>
        patch(good(), 'Ingress', 'linguamate-realtime', {
          spec: {
            rules: [
              {
                host: 'ws.linguamate.app',
                http: {
                  paths: [
                    {
                      path: '/api',
                      pathType: 'Prefix',
                      backend: { service: { name: 'linguamate-realtime', port: { name: 'web' } } },
                    },
                  ],
                },
              },
            ],
          },
        }),
      wiringProblems,
      /Ingress\/linguamate-realtime: \/api goes to no Service port/,
    ],
  ])('%s', (_name, broken, check, problem) => {
    expect(check(good())).toEqual([]);
    expect(check(broken()).join('\n')).toMatch(problem);
  });
});

describe('the kustomize subset', () => {
  it('merges keyed lists by key and replaces the rest, as strategic merge does', () => {
    const merged = strategicMerge(
      {
        containers: [{ name: 'a', env: [{ name: 'X', value: '1' }], args: ['x'] }],
        rules: [{ host: 'a' }],
      },
      { containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }], args: ['y'] }], rules: [{ host: 'b' }] },
    );
    expect(merged).toEqual({
      containers: [
        {
          name: 'a',
          env: [
            { name: 'X', value: '1' },
            { name: 'Y', value: '2' },
          ],
          args: ['y'],
        },
      ],
      rules: [{ host: 'b' }],
    });
  });

  it('refuses what it does not implement instead of ignoring it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kustomize-'));
    mkdirSync(join(dir, 'namePrefix'));
    writeFileSync(join(dir, 'namePrefix/kustomization.yaml'), 'namePrefix: x-\nresources: []\n');
    expect(() => kustomizeBuild(join(dir, 'namePrefix'))).toThrow(/field namePrefix is not supported/);
    mkdirSync(join(dir, 'two'));
    writeFileSync(join(dir, 'two/kustomization.yaml'), 'resources: []\npatches:\n  - path: p.yaml\n');
    writeFileSync(
      join(dir, 'two/p.yaml'),
      'kind: A\nmetadata: { name: a }\n---\nkind: B\nmetadata: { name: b }\n',
    );
    expect(() => kustomizeBuild(join(dir, 'two'))).toThrow(/exactly one patch/);
  });

  it('adds commonLabels to selectors and pod templates, and sets namespace and image', () => {
    const deployment = find(render('overlays/staging'), 'Deployment', 'linguamate-api');
    const spec = deployment.spec as {
      selector: { matchLabels: Json };
      template: { metadata: { labels: Json }; spec: { containers: { image: string }[] } };
    };
    const labels = {
      'app.kubernetes.io/part-of': 'linguamate',
      'app.kubernetes.io/instance': 'linguamate-staging',
    };
    expect(spec.selector.matchLabels).toMatchObject(labels);
    expect(spec.template.metadata.labels).toMatchObject(labels);
    expect(deployment.metadata.namespace).toBe('linguamate-staging');
    expect(spec.template.spec.containers[0]!.image).toBe('ghcr.io/linguamate/linguamate-api:1.0.0-rc.1');
  });
});

function parseSize(value: string): number {
  const match = /^(\d+)([kmg]?)$/i.exec(value);
  if (!match) throw new Error(`not an nginx size: ${value}`);
  return Number(match[1]) * 1024 ** ['', 'k', 'm', 'g'].indexOf(match[2]!.toLowerCase());
}
