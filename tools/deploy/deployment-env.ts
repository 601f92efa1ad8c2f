/**
 * What each rendered Deployment puts in its container's environment, and from where: to cross-check
 * the manifests against the services' config schemas. Pure: takes the objects `npm run deploy:render`
 * wrote (parsed YAML), reads nothing else.
 */

export type EnvSource =
  | { via: 'value'; value: string }
  | { via: 'secretKeyRef'; secret: string; key: string; optional: boolean }
  | { via: 'configMap'; configMap: string; value: string }
  | { via: 'configMapKeyRef'; configMap: string; key: string; optional: boolean }
  /** `envFrom: secretRef`: every key of a Secret the manifests never see. */
  | { via: 'secretRef'; secret: string; optional: boolean };

/** The parts of a rendered object this reads. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: unknown;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

interface Container {
  name: string;
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string; optional?: boolean } }[];
}

/** A Deployment's first container, typed loosely: the rendered YAML is the source of truth. */
export function containerOf(deployment: KubeObject): Container {
  const spec = deployment.spec as { template: { spec: { containers: Container[] } } };
  return spec.template.spec.containers[0];
}

/**
 * Deployment name → variable name → where its value comes from. `envFrom` first, then `env`, which
 * overrides it (Kubernetes' order); a `secretRef` in `envFrom` is listed under `secretRef:<name>`.
 */
export function deploymentEnv(objects: readonly KubeObject[]): Record<string, Record<string, EnvSource>> {
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o.data ?? {}]));
  const result: Record<string, Record<string, EnvSource>> = {};
  for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
    const container = containerOf(deployment);
    const env: Record<string, EnvSource> = {};
    for (const source of container.envFrom ?? []) {
      if (source.configMapRef) {
        const name = source.configMapRef.name;
        for (const [key, value] of Object.entries(configMaps.get(name) ?? {}))
          env[key] = { via: 'configMap', configMap: name, value };
      }
      if (source.secretRef) {
        env[`secretRef:${source.secretRef.name}`] = {
          via: 'secretRef',
          secret: source.secretRef.name,
          optional: source.secretRef.optional ?? false,
        };
      }
    }
    for (const variable of container.env ?? []) {
      const secret = variable.valueFrom?.secretKeyRef;
      const configMap = variable.valueFrom?.configMapKeyRef;
      if (secret)
        env[variable.name] = {
          via: 'secretKeyRef',
          secret: secret.name,
          key: secret.key,
          optional: secret.optional ?? false,
        };
      else if (configMap)
        env[variable.name] = {
          via: 'configMapKeyRef',
          configMap: configMap.name,
          key: configMap.key,
          optional: configMap.optional ?? false,
        };
      else env[variable.name] = { via: 'value', value: variable.value ?? '' };
    }
    result[deployment.metadata.name] = env;
  }
  return result;
}

/** The value a variable surely has, or undefined when it comes from a Secret (or is not set). */
export function plainValue(source: EnvSource | undefined): string | undefined {
  return source?.via === 'value' || source?.via === 'configMap' ? source.value : undefined;
}
