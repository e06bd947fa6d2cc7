import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { ENV_KEYS, parseEnv, SECRET_ENV_KEYS } from '../../src/config/env.js';
import { createHealthRoutes, type HealthDeps } from '../../src/http/routes/health.js';
import type { Manifest } from './kustomize.js';

/**
 * What a rendered deploy/k8s must hold, as a list of problems (empty: fine). Each check is a function
 * of the manifests alone, so the test can also hand it a broken copy and see the problem named.
 */

type Json = Record<string, unknown>;
interface Container {
  name: string;
  image?: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  securityContext?: Json & { capabilities?: { drop?: string[] } };
  resources?: { requests?: Json; limits?: Json };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface PodSpec {
  containers: Container[];
  securityContext?: Json & { seccompProfile?: { type: string } };
  terminationGracePeriodSeconds?: number;
  volumes?: { name: string; emptyDir?: Json }[];
}

const ROOT = join(import.meta.dirname, '../..');

const MODELS: Record<string, { validate(): void } & (new (data: never) => { validate(): void })> = {
  'apps/v1/Deployment': Deployment as never,
  'batch/v1/Job': Job as never,
  'v1/ConfigMap': ConfigMap as never,
  'v1/Service': Service as never,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as never,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as never,
  'networking.k8s.io/v1/Ingress': Ingress as never,
};

/** Placeholders standing for the Secret's values, so the configuration can be parsed as in production. */
const SECRET_PLACEHOLDERS: Record<string, string> = {
  DATABASE_URL: 'postgres://linguamate:placeholder@postgres:5432/linguamate',
  REDIS_URL: 'redis://redis:6379',
  JWT_SECRET: 'placeholder-placeholder-placeholder-placeholder',
};

export const ROLE_OF: Record<string, string[]> = {
  'linguamate-api': ['api'],
  'linguamate-realtime': ['api', 'realtime'],
  'linguamate-worker': ['worker'],
};

const of = (manifests: Manifest[], kind: string) => manifests.filter((manifest) => manifest.kind === kind);
const podSpec = (manifest: Manifest) => ((manifest.spec as Json).template as Json).spec as PodSpec;
const podLabels = (manifest: Manifest) =>
  ((((manifest.spec as Json).template as Json).metadata as Json | undefined)?.labels ?? {}) as Record<
    string,
    string
  >;
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  selector !== undefined &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/** Every manifest against the Kubernetes OpenAPI schema (kubernetes-models), by apiVersion and kind. */
export function schemaProblems(manifests: Manifest[]): string[] {
  return manifests.flatMap((manifest) => {
    const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
    if (!Model) return [`${manifest.kind}/${manifest.metadata?.name}: no schema for ${manifest.apiVersion}`];
    try {
      new Model(manifest as never).validate();
      return [];
    } catch (error) {
      return [`${manifest.kind}/${manifest.metadata.name}: ${(error as Error).message}`];
    }
  });
}

/** GET paths the api and realtime roles answer under /api/health, and the worker's health server's. */
export function probePaths(): { http: Set<string>; worker: Set<string> } {
  const app = readFileSync(join(ROOT, 'src/http/app.ts'), 'utf8');
  const prefix = /app\.route\('([^']+)', createHealthRoutes\(/.exec(app)?.[1];
  if (!prefix) throw new Error('src/http/app.ts no longer mounts createHealthRoutes');
  const routes = createHealthRoutes({} as HealthDeps).routes.filter((route) => route.method === 'GET');
  const http = new Set(routes.map((route) => (route.path === '/' ? prefix : `${prefix}${route.path}`)));
  const worker = readFileSync(join(ROOT, 'src/worker.ts'), 'utf8');
  return { http, worker: new Set([...worker.matchAll(/path === '([^']+)'/g)].map((match) => match[1]!)) };
}

/** Names, probes, ports, security, shutdown timing and configuration of each workload. */
export function workloadProblems(manifests: Manifest[]): string[] {
  const problems: string[] = [];
  const paths = probePaths();
  const configMaps = new Map(
    of(manifests, 'ConfigMap').map((map) => [map.metadata.name, (map.data ?? {}) as Record<string, string>]),
  );
  for (const [name, data] of configMaps) {
    for (const key of Object.keys(data)) {
      if (!(ENV_KEYS as string[]).includes(key))
        problems.push(`ConfigMap/${name}: ${key} is not in ENV_KEYS`);
      if ((SECRET_ENV_KEYS as readonly string[]).includes(key)) {
        problems.push(`ConfigMap/${name}: ${key} is a secret`);
      }
    }
  }

  for (const workload of [...of(manifests, 'Deployment'), ...of(manifests, 'Job')]) {
    const id = `${workload.kind}/${workload.metadata.name}`;
    const pod = podSpec(workload);
    if (pod.securityContext?.runAsNonRoot !== true) problems.push(`${id}: pod not runAsNonRoot`);
    if (pod.securityContext?.seccompProfile?.type !== 'RuntimeDefault') {
      problems.push(`${id}: pod seccompProfile not RuntimeDefault`);
    }
    for (const container of pod.containers) {
      const cid = `${id}/${container.name}`;
      const security = container.securityContext ?? {};
      if (security.runAsNonRoot !== true || security.runAsUser !== 1000) {
        problems.push(`${cid}: not runAsNonRoot as user 1000`);
      }
      if (security.readOnlyRootFilesystem !== true) problems.push(`${cid}: root filesystem writable`);
      if (security.allowPrivilegeEscalation !== false) problems.push(`${cid}: privilege escalation allowed`);
      if (!security.capabilities?.drop?.includes('ALL')) problems.push(`${cid}: capabilities not dropped`);
      const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
      if (!tmp || !pod.volumes?.some((volume) => volume.name === tmp.name && volume.emptyDir)) {
        problems.push(`${cid}: no emptyDir at /tmp`);
      }
      if (!container.resources?.requests?.cpu || !container.resources?.requests?.memory) {
        problems.push(`${cid}: no cpu and memory requests`);
      }
      if (!container.resources?.limits?.memory) problems.push(`${cid}: no memory limit`);
      if (!/^.+:(?!latest$)[\w.-]+$|@sha256:/.test(container.image ?? '')) {
        problems.push(`${cid}: image ${container.image} is not pinned to a tag`);
      }

      const source: Record<string, string> = {};
      for (const from of container.envFrom ?? []) {
        if (from.secretRef) problems.push(`${cid}: envFrom a Secret hides which secrets it reads`);
        const data = from.configMapRef && configMaps.get(from.configMapRef.name);
        if (from.configMapRef && !data) problems.push(`${cid}: ConfigMap ${from.configMapRef.name} missing`);
        Object.assign(source, data);
      }
      for (const variable of container.env ?? []) {
        if (!(ENV_KEYS as string[]).includes(variable.name)) {
          problems.push(`${cid}: ${variable.name} is not in ENV_KEYS`);
        }
        const secret = variable.valueFrom?.secretKeyRef;
        const isSecret = (SECRET_ENV_KEYS as readonly string[]).includes(variable.name);
        if (isSecret && variable.value !== undefined) {
          problems.push(`${cid}: ${variable.name} is a secret with a value in the manifest`);
        } else if (secret) {
          if (!(SECRET_ENV_KEYS as readonly string[]).includes(secret.key)) {
            problems.push(`${cid}: secret key ${secret.key} is not in SECRET_ENV_KEYS`);
          }
          if (secret.key !== variable.name) problems.push(`${cid}: ${variable.name} reads key ${secret.key}`);
          if (SECRET_PLACEHOLDERS[variable.name]) source[variable.name] = SECRET_PLACEHOLDERS[variable.name]!;
        } else if (variable.value !== undefined) {
          source[variable.name] = variable.value;
        }
      }

      // The configuration as the process would see it (with placeholder secrets) must parse.
      let env: ReturnType<typeof parseEnv>;
      try {
        env = parseEnv(source);
      } catch (error) {
        problems.push(`${cid}: ${(error as Error).message}`);
        continue;
      }
      if (env.NODE_ENV !== 'production') problems.push(`${cid}: NODE_ENV is not production`);
      if (env.MIGRATE_ON_START) problems.push(`${cid}: MIGRATE_ON_START must be false (the Job migrates)`);
      if (workload.kind === 'Job') {
        if (container.command?.at(-1) !== 'dist/src/cli/migrate.js') {
          problems.push(`${cid}: does not run dist/src/cli/migrate.js`);
        }
        continue;
      }

      const roles = ROLE_OF[workload.metadata.name];
      if (!roles) problems.push(`${id}: unknown role`);
      else if ([...env.ROLES].sort().join() !== roles.join()) {
        problems.push(`${id}: ROLES ${env.ROLES.join()} instead of ${roles.join()}`);
      }
      const worker = env.ROLES.length === 1 && env.ROLES[0] === 'worker';
      const port = container.ports?.[0];
      if (port?.containerPort !== (worker ? env.WORKER_PORT : env.PORT)) {
        problems.push(`${cid}: container port ${port?.containerPort} is not the one the process listens on`);
      }
      const expected = worker
        ? { liveness: '/health', readiness: '/ready', known: paths.worker }
        : { liveness: '/api/health/live', readiness: '/api/health/ready', known: paths.http };
      for (const [probe, path] of [
        ['livenessProbe', expected.liveness],
        ['readinessProbe', expected.readiness],
        ['startupProbe', expected.liveness],
      ] as const) {
        const get = container[probe]?.httpGet;
        if (get?.path !== path) problems.push(`${cid}: ${probe} is not GET ${path}`);
        if (get && !expected.known.has(get.path))
          problems.push(`${cid}: ${probe} path ${get.path} is no route`);
        if (get && get.port !== port?.name && get.port !== port?.containerPort) {
          problems.push(`${cid}: ${probe} port ${get.port} is not the container's`);
        }
      }

      // SIGKILL must never cut the drain: the preStop sleep, then SHUTDOWN_TIMEOUT_MS, then a margin.
      const sleepMs = (container.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
      if (!worker && sleepMs < 5_000) problems.push(`${cid}: no preStop sleep of at least 5 s`);
      const graceMs = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
      if (graceMs < sleepMs + env.SHUTDOWN_TIMEOUT_MS + 2_000) {
        problems.push(`${cid}: terminationGracePeriodSeconds does not cover preStop + SHUTDOWN_TIMEOUT_MS`);
      }
    }
  }
  return problems;
}

/** Each Deployment has a PDB; api and realtime an HPA that owns their replica count; Services and Ingress connect. */
export function wiringProblems(manifests: Manifest[]): string[] {
  const problems: string[] = [];
  const deployments = of(manifests, 'Deployment');
  const hpas = of(manifests, 'HorizontalPodAutoscaler');
  const services = of(manifests, 'Service');
  for (const deployment of deployments) {
    const id = `Deployment/${deployment.metadata.name}`;
    const labels = podLabels(deployment);
    const selector = ((deployment.spec as Json).selector as Json).matchLabels as Record<string, string>;
    if (!selects(selector, labels)) problems.push(`${id}: selector does not match its pod template`);
    const pdbs = of(manifests, 'PodDisruptionBudget').filter((pdb) =>
      selects(((pdb.spec as Json).selector as Json).matchLabels as Record<string, string>, labels),
    );
    if (pdbs.length !== 1) problems.push(`${id}: ${pdbs.length} PodDisruptionBudgets instead of 1`);
    const hpa = hpas.find(
      (one) => ((one.spec as Json).scaleTargetRef as Json).name === deployment.metadata.name,
    );
    if (hpa && (deployment.spec as Json).replicas !== undefined) {
      problems.push(`${id}: sets replicas although an HPA owns them`);
    }
  }
  for (const name of ['linguamate-api', 'linguamate-realtime']) {
    const hpa = hpas.find((one) => ((one.spec as Json).scaleTargetRef as Json).name === name);
    const spec = hpa?.spec as { minReplicas?: number; maxReplicas: number } | undefined;
    if (!spec) problems.push(`${name}: no HorizontalPodAutoscaler`);
    else if ((spec.minReplicas ?? 1) < 2 || spec.minReplicas! > spec.maxReplicas) {
      problems.push(`${name}: HPA bounds ${spec.minReplicas}-${spec.maxReplicas}`);
    }
  }
  for (const hpa of hpas) {
    const target = (hpa.spec as Json).scaleTargetRef as Json;
    if (target.kind !== 'Deployment' || !deployments.some((one) => one.metadata.name === target.name)) {
      problems.push(`HorizontalPodAutoscaler/${hpa.metadata.name}: targets no Deployment`);
    }
  }
  for (const service of services) {
    const spec = service.spec as { selector?: Record<string, string>; ports: { targetPort?: string }[] };
    const pods = deployments.filter((one) => selects(spec.selector, podLabels(one)));
    if (pods.length !== 1)
      problems.push(`Service/${service.metadata.name}: selects ${pods.length} Deployments`);
    const names = pods.flatMap((one) =>
      podSpec(one)
        .containers.flatMap((c) => c.ports ?? [])
        .map((p) => p.name),
    );
    for (const port of spec.ports) {
      if (!names.includes(port.targetPort)) {
        problems.push(`Service/${service.metadata.name}: no container port ${port.targetPort}`);
      }
    }
  }
  for (const ingress of of(manifests, 'Ingress')) {
    const rules = (ingress.spec as { rules: { host?: string; http: { paths: IngressPath[] } }[] }).rules;
    for (const path of rules.flatMap((rule) => rule.http.paths)) {
      const target = services.find((one) => one.metadata.name === path.backend.service.name);
      const ports = (target?.spec as { ports: { name?: string }[] } | undefined)?.ports ?? [];
      if (!ports.some((port) => port.name === path.backend.service.port.name)) {
        problems.push(`Ingress/${ingress.metadata.name}: ${path.path} goes to no Service port`);
      }
    }
  }
  return problems;
}

interface IngressPath {
  path: string;
  backend: { service: { name: string; port: { name?: string } } };
}
