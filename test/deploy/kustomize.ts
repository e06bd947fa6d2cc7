import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * The part of kustomize that deploy/k8s uses, so the overlays can be checked without the binary:
 * `resources` (files and directories), `patches` (strategic merge, one per file, target taken from the patch),
 * `namespace`, `commonLabels` and `images`, applied in kustomize's order (patches, namespace, labels,
 * images). Any other kustomization field throws, so a manifest cannot start relying on a feature this
 * helper would silently ignore.
 */

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

type Json = Record<string, unknown>;

const SUPPORTED_FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'patches',
  'namespace',
  'commonLabels',
  'images',
]);

/**
 * Strategic merge keys of the lists our patches touch (from the Kubernetes API's patchMergeKey).
 * Lists without a merge key (ingress rules and tls, args, command…) are replaced, as in kustomize.
 * `ports` is refused: its merge key depends on the object (containerPort or port).
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  imagePullSecrets: 'name',
};

/** Where commonLabels goes besides metadata.labels (kustomize's default field specs, for our kinds). */
const LABEL_PATHS: Record<string, { path: string[]; create: boolean }[]> = {
  Service: [{ path: ['spec', 'selector'], create: true }],
  Deployment: [
    { path: ['spec', 'selector', 'matchLabels'], create: true },
    { path: ['spec', 'template', 'metadata', 'labels'], create: true },
  ],
  Job: [{ path: ['spec', 'template', 'metadata', 'labels'], create: true }],
  PodDisruptionBudget: [{ path: ['spec', 'selector', 'matchLabels'], create: false }],
};

export function readManifests(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]!.message}`);
      return document.toJS() as Manifest | null;
    })
    .filter((manifest): manifest is Manifest => manifest !== null);
}

/** `kustomize build <dir>` for the fields above. */
export function kustomizeBuild(dir: string): Manifest[] {
  const [kustomization] = readManifests(join(dir, 'kustomization.yaml')) as unknown as Json[];
  if (!kustomization) throw new Error(`${dir}: empty kustomization.yaml`);
  for (const field of Object.keys(kustomization)) {
    if (!SUPPORTED_FIELDS.has(field))
      throw new Error(`${dir}: kustomization field ${field} is not supported`);
  }

  let manifests = ((kustomization.resources ?? []) as string[]).flatMap((entry) => {
    const path = resolve(dir, entry);
    return statSync(path).isDirectory() ? kustomizeBuild(path) : readManifests(path);
  });
  const ids = manifests.map((manifest) => `${manifest.kind}/${manifest.metadata.name}`);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) throw new Error(`${dir}: ${duplicate} is declared twice`);

  for (const { path, ...rest } of (kustomization.patches ?? []) as Json[]) {
    if (typeof path !== 'string' || Object.keys(rest).length > 0) {
      throw new Error(`${dir}: only patches with a path (strategic merge, no target) are supported`);
    }
    // kustomize's `patches` reads one patch per path (several need patchesStrategicMerge).
    const patches = readManifests(resolve(dir, path));
    if (patches.length !== 1) throw new Error(`${dir}/${path}: a patch file holds exactly one patch`);
    for (const patch of patches) {
      const index = manifests.findIndex(
        (manifest) =>
          manifest.apiVersion === patch.apiVersion &&
          manifest.kind === patch.kind &&
          manifest.metadata.name === patch.metadata.name,
      );
      if (index === -1) throw new Error(`${dir}/${path}: no ${patch.kind}/${patch.metadata.name} to patch`);
      manifests[index] = strategicMerge(manifests[index]!, patch as unknown as Json) as unknown as Manifest;
    }
  }

  const namespace = kustomization.namespace as string | undefined;
  if (namespace) {
    manifests = manifests.map((manifest) => ({ ...manifest, metadata: { ...manifest.metadata, namespace } }));
  }

  const labels = kustomization.commonLabels as Record<string, string> | undefined;
  if (labels) manifests = manifests.map((manifest) => addLabels(manifest, labels));

  for (const image of (kustomization.images ?? []) as Json[]) {
    manifests = manifests.map((manifest) => setImage(manifest, image));
  }
  return manifests;
}

/** Strategic merge patch: maps merge, keyed lists merge by key, other lists and scalars replace. */
export function strategicMerge(target: unknown, patch: unknown, field = ''): unknown {
  if (Array.isArray(patch)) {
    if (field === 'ports') throw new Error('patching ports is not supported by this kustomize subset');
    const key = MERGE_KEYS[field];
    if (!key || !Array.isArray(target)) return structuredClone(patch);
    const merged = [...target];
    for (const item of patch as Json[]) {
      const at = merged.findIndex((existing) => (existing as Json)[key] === item[key]);
      if (at === -1) merged.push(structuredClone(item));
      else merged[at] = strategicMerge(merged[at], item);
    }
    return merged;
  }
  if (isObject(patch) && isObject(target)) {
    const merged: Json = { ...target };
    for (const [name, value] of Object.entries(patch)) {
      if (name === '$patch' || name.startsWith('$setElementOrder')) {
        throw new Error(`${name} is not supported by this kustomize subset`);
      }
      if (value === null) delete merged[name];
      else merged[name] = strategicMerge(target[name], value, name);
    }
    return merged;
  }
  return structuredClone(patch);
}

function addLabels(manifest: Manifest, labels: Record<string, string>): Manifest {
  const copy = structuredClone(manifest);
  copy.metadata.labels = { ...copy.metadata.labels, ...labels };
  for (const { path, create } of LABEL_PATHS[copy.kind] ?? []) {
    let node: Json = copy as unknown as Json;
    for (const [index, step] of path.entries()) {
      if (!isObject(node[step])) {
        if (!create) break;
        node[step] = {};
      }
      if (index === path.length - 1) node[step] = { ...(node[step] as Json), ...labels };
      else node = node[step] as Json;
    }
  }
  return copy;
}

/** kustomize's images: a container image whose name (without tag or digest) is `name` gets the new parts. */
function setImage(manifest: Manifest, image: Json): Manifest {
  const copy = structuredClone(manifest);
  const podSpec = ((copy.spec as Json | undefined)?.template as Json | undefined)?.spec as Json | undefined;
  for (const list of ['containers', 'initContainers']) {
    for (const container of (podSpec?.[list] ?? []) as Json[]) {
      const current = parseImage(container.image as string);
      if (current.name !== image.name) continue;
      const name = (image.newName as string | undefined) ?? current.name;
      if (image.digest) container.image = `${name}@${image.digest}`;
      else {
        const tag = (image.newTag as string | undefined) ?? current.tag;
        container.image = tag ? `${name}:${tag}` : name;
      }
    }
  }
  return copy;
}

function parseImage(image: string): { name: string; tag?: string } {
  const withoutDigest = image.split('@')[0]!;
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > withoutDigest.lastIndexOf('/')) {
    return { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
  }
  return { name: withoutDigest };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
