import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { checkServiceEnvironment, type RunServiceOptions } from '@carecircle/platform/service-kit';
import { liaisonConfigFromEnv } from '../../apps/clinician-liaison/src/liaison.deps';
import { readEnrollmentConfig } from '../../apps/enrollment/src/enrollment.config';
import { readCareConsoleConfig } from '../../apps/gateway/src/care-console/care-console.config';
import { readGatewayConfig } from '../../apps/gateway/src/gateway.config';
import { readTimelineConfig } from '../../apps/gateway/src/timeline/timeline.config';
import { readOutcomesConfig } from '../../apps/outcomes/src/outcomes.deps';
import { readLoadReassessmentPollMs, readSchedulingPolicy } from '../../apps/scheduling/src/scheduling.deps';
import { containerOf, deploymentEnv, plainValue, type EnvSource, type KubeObject } from './deployment-env';

const run = promisify(execFile);

const SERVICES = {
  enrollment: 3101,
  scheduling: 3102,
  'clinician-liaison': 3103,
  outcomes: 3104,
  gateway: 3000,
} as const;
const BEHIND_GATEWAY = ['enrollment', 'scheduling', 'clinician-liaison', 'outcomes'];
const OVERLAYS = ['dev', 'prod'] as const;
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
/** Names whose values are secrets wherever they are set: only by reference. */
const SECRET_NAME = /SECRET|PASSWORD|_KEY$|^DATABASE_URL$|^KAFKA_SASL_|^SMART_CLIENTS$/;
/** The namespace label ingress-nginx's namespace has (Kubernetes sets kubernetes.io/metadata.name). */
const INGRESS_CONTROLLER_NAMESPACE = { 'kubernetes.io/metadata.name': 'ingress-nginx' };

/** Each service's start-up check, as its main.ts calls it. */
const STARTUP_CHECKS: Record<string, Pick<RunServiceOptions, 'defaultPort' | 'authenticatesItself' | 'readConfig'>> = {
  enrollment: { defaultPort: 3101, readConfig: readEnrollmentConfig },
  scheduling: { defaultPort: 3102, readConfig: (env) => [readSchedulingPolicy(env), readLoadReassessmentPollMs(env)] },
  'clinician-liaison': { defaultPort: 3103, readConfig: liaisonConfigFromEnv },
  outcomes: { defaultPort: 3104, readConfig: readOutcomesConfig },
  gateway: {
    defaultPort: 3000,
    authenticatesItself: true,
    readConfig: (env) => [readGatewayConfig(env), readTimelineConfig(env), readCareConsoleConfig(env)],
  },
};

/** Stand-ins for the required Secret keys, well-formed as the hospital's would be. */
const SECRET_STAND_INS: Record<string, string> = {
  DATABASE_URL: 'postgres://carecircle:stand-in@postgresql.example:5432/carecircle?sslmode=verify-full',
  GATEWAY_IDENTITY_KEY: Buffer.alloc(32, 7).toString('base64'),
  GATEWAY_SIGNING_KEY: JSON.stringify(
    generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' }),
  ),
};

/** The container's environment: the image's NODE_ENV, then what the manifest sets; optional Secret keys left out. */
function containerEnvironment(variables: Record<string, EnvSource>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NODE_ENV: 'production' };
  for (const [name, source] of Object.entries(variables)) {
    if (source.via === 'value' || source.via === 'configMap') env[name] = source.value;
    else if (source.via === 'secretKeyRef' && !source.optional) env[name] = SECRET_STAND_INS[name] ?? 'no stand-in';
  }
  return env;
}

type Selector = {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
};
type Peer = { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: unknown };
type PolicySpec = {
  podSelector: Selector;
  policyTypes: string[];
  ingress?: { from?: Peer[] }[];
  egress?: { to?: Peer[] }[];
};

/** Label-selector semantics for the operators the manifests use; an unknown operator fails the test. */
function selects(selector: Selector, labels: Record<string, string>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpression = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    if (operator === 'In') return values.includes(labels[key] ?? '');
    if (operator === 'NotIn') return !values.includes(labels[key] ?? '');
    if (operator === 'Exists') return key in labels;
    throw new Error(`selector operator ${operator} is not handled by this test`);
  });
  return byLabel && byExpression;
}

describe('npm run deploy:render (deploy/k8s, kubectl kustomize, kubernetes-models schemas)', () => {
  const out = mkdtempSync(join(tmpdir(), 'carecircle-deploy-'));
  const rendered: Record<string, KubeObject[]> = {};

  beforeAll(async () => {
    // Renders and schema-validates every kustomization; exits 1 naming any invalid object.
    await run(process.execPath, ['tools/deploy/render.mjs', '--out', out], { timeout: 60_000 });
    for (const name of [...OVERLAYS, 'data-plane']) {
      rendered[name] = parseAllDocuments(readFileSync(join(out, `${name}.yaml`), 'utf8')).map(
        (document) => document.toJS() as KubeObject,
      );
    }
  });

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const ofKind = (overlay: string, kind: string) => rendered[overlay].filter((object) => object.kind === kind);
  const named = (overlay: string, kind: string, name: string) => {
    const found = ofKind(overlay, kind).find((object) => object.metadata.name === name);
    if (!found) throw new Error(`${overlay}: no ${kind} ${name}`);
    return found;
  };
  const podLabels = (overlay: string, service: string) =>
    (named(overlay, 'Deployment', service).spec as { template: { metadata: { labels: Record<string, string> } } })
      .template.metadata.labels;

  it('rejects what the schemas forbid (the validator is live)', async () => {
    const broken = [
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'x' },
        spec: { maxReplicas: 'two', scaleTargetRef: { kind: 'Deployment', name: 'x' } },
      },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
    ];
    const script =
      "import { schemaProblems } from './tools/deploy/render.mjs'; console.log(JSON.stringify(await schemaProblems(JSON.parse(process.argv[1]))));";
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(broken)], {
      timeout: 30_000,
    });
    expect(JSON.parse(stdout)).toEqual([
      expect.stringMatching(/^HorizontalPodAutoscaler\/x: .*maxReplicas must be integer/),
      'Widget/w: no schema for example.com/v1 Widget',
    ]);
  });

  describe.each(OVERLAYS)('overlay %s', (overlay) => {
    it('has a Deployment, Service, HorizontalPodAutoscaler and PodDisruptionBudget per service, and nothing unexpected', () => {
      const kinds = rendered[overlay].map((object) => object.kind).sort();
      expect(new Set(kinds)).toEqual(
        new Set([
          'Namespace',
          'ConfigMap',
          'NetworkPolicy',
          'Ingress',
          'Deployment',
          'Service',
          'HorizontalPodAutoscaler',
          'PodDisruptionBudget',
        ]),
      );
      for (const [service, port] of Object.entries(SERVICES)) {
        const container = containerOf(named(overlay, 'Deployment', service));
        const env = deploymentEnv(rendered[overlay])[service];
        expect({ service, PORT: plainValue(env['PORT']), APP: plainValue(env['APP']) }).toEqual({
          service,
          PORT: String(port),
          APP: service,
        });
        expect((container as unknown as { ports: unknown[] }).ports).toEqual([{ containerPort: port, name: 'http' }]);
        expect((named(overlay, 'Service', service).spec as { selector: unknown }).selector).toEqual({
          'app.kubernetes.io/name': service,
        });
        const hpa = named(overlay, 'HorizontalPodAutoscaler', service).spec as {
          scaleTargetRef: unknown;
          minReplicas: number;
          maxReplicas: number;
        };
        expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: service });
        // A replica past the partition count would idle as a consumer.
        expect(hpa.maxReplicas).toBeLessThanOrEqual(Number(plainValue(env['KAFKA_TOPIC_PARTITIONS'])));
        expect(hpa.minReplicas).toBeGreaterThanOrEqual(1);
        const pdb = named(overlay, 'PodDisruptionBudget', service).spec as {
          selector: Selector;
          maxUnavailable: number;
        };
        expect(selects(pdb.selector, podLabels(overlay, service))).toBe(true);
        expect(pdb.maxUnavailable).toBe(1);
      }
    });

    it('probes, sizes and locks down every container', () => {
      for (const deployment of ofKind(overlay, 'Deployment')) {
        const pod = (deployment.spec as { template: { spec: Record<string, unknown> } }).template.spec;
        const container = containerOf(deployment) as unknown as Record<string, Record<string, unknown>>;
        const probe = (name: string) => (container[name] as { httpGet: unknown }).httpGet;
        expect({
          name: deployment.metadata.name,
          readiness: probe('readinessProbe'),
          liveness: probe('livenessProbe'),
        }).toEqual({
          name: deployment.metadata.name,
          readiness: { path: '/health/ready', port: 'http' },
          liveness: { path: '/health/live', port: 'http' },
        });
        expect(container['resources']).toEqual({
          requests: { cpu: expect.any(String), memory: expect.any(String) },
          limits: { cpu: expect.any(String), memory: expect.any(String) },
        });
        expect(pod['securityContext']).toMatchObject({
          runAsNonRoot: true,
          runAsUser: expect.any(Number),
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect((pod['securityContext'] as { runAsUser: number }).runAsUser).toBeGreaterThan(0);
        expect(pod['automountServiceAccountToken']).toBe(false);
        expect(container['securityContext']).toEqual({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        // A read-only root needs somewhere to write temporary files.
        expect(container['volumeMounts']).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
        expect(pod['volumes']).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: expect.any(String) } }]);
      }
    });

    it("runs package.json's version of the image, never a moving tag", () => {
      const images = ofKind(overlay, 'Deployment').map(
        (deployment) => (containerOf(deployment) as unknown as { image: string }).image,
      );
      const repository = overlay === 'prod' ? 'ghcr.io/carecircle/carecircle' : 'carecircle';
      expect(images).toEqual(Array(5).fill(`${repository}:${VERSION}`));
    });

    it('takes secrets only by reference', () => {
      expect(ofKind(overlay, 'Secret')).toEqual([]);
      for (const configMap of ofKind(overlay, 'ConfigMap')) {
        expect(Object.keys(configMap.data ?? {}).filter((key) => SECRET_NAME.test(key))).toEqual([]);
      }
      for (const [service, env] of Object.entries(deploymentEnv(rendered[overlay]))) {
        for (const [name, source] of Object.entries(env)) {
          if (SECRET_NAME.test(name))
            expect({ service, name, via: source.via }).toEqual({ service, name, via: 'secretKeyRef' });
          // Each service reads its own Secret only.
          if (source.via === 'secretKeyRef') expect(source.secret).toBe(`carecircle-${service}-secrets`);
        }
        expect(env['DATABASE_URL']).toEqual({
          via: 'secretKeyRef',
          secret: `carecircle-${service}-secrets`,
          key: 'DATABASE_URL',
          optional: false,
        });
      }
    });

    it('lets the ingress controller reach the gateway only, and the gateway alone reach the services', () => {
      const policies = ofKind(overlay, 'NetworkPolicy').map((policy) => policy.spec as PolicySpec);
      const defaultDeny = policies.filter(
        (policy) => Object.keys(policy.podSelector).length === 0 && !policy.ingress && !policy.egress,
      );
      expect(defaultDeny.map((policy) => [...policy.policyTypes].sort())).toEqual([['Egress', 'Ingress']]);
      const admittedPeers = (service: string) =>
        policies
          .filter(
            (policy) =>
              policy.policyTypes.includes('Ingress') && selects(policy.podSelector, podLabels(overlay, service)),
          )
          .flatMap((policy) => (policy.ingress ?? []).map((rule) => rule.from ?? [{ ipBlock: 'anyone' }]))
          .flat();
      const gatewayLabels = podLabels(overlay, 'gateway');
      for (const service of BEHIND_GATEWAY) {
        const peers = admittedPeers(service);
        expect(peers.length).toBeGreaterThan(0);
        for (const peer of peers) {
          // No namespaceSelector or ipBlock: pods of this namespace only, and of them the gateway alone.
          expect({ service, peer: Object.keys(peer) }).toEqual({ service, peer: ['podSelector'] });
          expect(selects(peer.podSelector ?? {}, gatewayLabels)).toBe(true);
          for (const other of BEHIND_GATEWAY)
            expect(selects(peer.podSelector ?? {}, podLabels(overlay, other))).toBe(false);
        }
      }
      const gatewayPeers = admittedPeers('gateway');
      expect(gatewayPeers.length).toBeGreaterThan(0);
      for (const peer of gatewayPeers) {
        expect(peer.ipBlock).toBeUndefined();
        expect(
          selects(
            peer.namespaceSelector ?? { matchLabels: { 'no namespaceSelector': 'same namespace' } },
            INGRESS_CONTROLLER_NAMESPACE,
          ),
        ).toBe(true);
        expect(selects(peer.namespaceSelector ?? {}, { 'kubernetes.io/metadata.name': 'carecircle' })).toBe(false);
      }
    });

    it("passes each service's own start-up check (production's rules included) with the rendered environment", () => {
      const env = deploymentEnv(rendered[overlay]);
      for (const [service, check] of Object.entries(STARTUP_CHECKS)) {
        expect({
          service,
          warnings: checkServiceEnvironment(check, containerEnvironment(env[service])).warnings,
        }).toEqual({ service, warnings: [] });
      }
      // The check is live: without its database a service does not start.
      const { DATABASE_URL: _, ...withoutDatabase } = env['outcomes'];
      expect(() => checkServiceEnvironment(STARTUP_CHECKS['outcomes'], containerEnvironment(withoutDatabase))).toThrow(
        /DATABASE_URL is required/,
      );
    });

    it('serves the gateway over TLS only, for the host it names as its public URL', () => {
      const [ingress, ...others] = ofKind(overlay, 'Ingress');
      expect(others).toEqual([]);
      const spec = ingress.spec as {
        tls: { hosts: string[]; secretName: string }[];
        rules: { host: string; http: { paths: { backend: unknown }[] } }[];
      };
      const tlsHosts = spec.tls.flatMap((entry) => entry.hosts);
      expect(spec.tls.every((entry) => entry.secretName)).toBe(true);
      for (const rule of spec.rules) {
        expect(tlsHosts).toContain(rule.host);
        for (const path of rule.http.paths)
          expect(path.backend).toEqual({ service: { name: 'gateway', port: { name: 'http' } } });
      }
      const publicUrl = plainValue(deploymentEnv(rendered[overlay])['gateway']['GATEWAY_PUBLIC_URL']);
      expect(publicUrl).toBe(`https://${spec.rules[0].host}`);
    });
  });

  describe('prod', () => {
    const env = () => deploymentEnv(rendered['prod']);
    const secretRef = (service: string, key: string) => ({
      via: 'secretKeyRef',
      secret: `carecircle-${service}-secrets`,
      key,
      optional: false,
    });

    it('is production: fails closed, no development sign-in, https everywhere a token or key travels', () => {
      for (const [service, variables] of Object.entries(env())) {
        expect({
          service,
          NODE_ENV: plainValue(variables['NODE_ENV']),
          AUTH_REQUIRED: plainValue(variables['AUTH_REQUIRED']),
        }).toEqual({ service, NODE_ENV: 'production', AUTH_REQUIRED: 'true' });
        expect(plainValue(variables['GATEWAY_DEV_IDP']) ?? 'false').toBe('false');
        expect(plainValue(variables['DATABASE_SINGLE_SESSION']) ?? 'false').toBe('false');
        expect(plainValue(variables['KAFKA_SSL'])).toBe('true');
      }
      const gateway = env()['gateway'];
      for (const name of ['GATEWAY_PUBLIC_URL', 'GATEWAY_OIDC_ISSUER'])
        expect(plainValue(gateway[name])).toMatch(/^https:\/\//);
    });

    it("sets every variable a service requires in production (the services' start-up checks)", () => {
      for (const [service, variables] of Object.entries(env())) {
        expect(variables['DATABASE_URL']).toEqual(secretRef(service, 'DATABASE_URL'));
        expect(plainValue(variables['KAFKA_BROKERS'])).toMatch(/^[^\s:,]+:\d+(,[^\s:,]+:\d+)*$/);
        if (service !== 'gateway') {
          const issuers = JSON.parse(plainValue(variables['AUTH_TRUSTED_ISSUERS']) ?? '[]') as {
            issuer: string;
            jwksUri: string;
          }[];
          expect(issuers.length).toBeGreaterThan(0);
          // Services trust the gateway's issuer, its keys fetched over https.
          for (const { issuer, jwksUri } of issuers) {
            expect(issuer).toBe(plainValue(variables['GATEWAY_PUBLIC_URL']));
            expect(jwksUri).toMatch(/^https:\/\//);
          }
        }
      }
      const gateway = env()['gateway'];
      expect(gateway['GATEWAY_IDENTITY_KEY']).toEqual(secretRef('gateway', 'GATEWAY_IDENTITY_KEY'));
      expect(gateway['GATEWAY_SIGNING_KEY']).toEqual(secretRef('gateway', 'GATEWAY_SIGNING_KEY'));
      for (const service of BEHIND_GATEWAY) {
        const name = `${service.toUpperCase().replace('-', '_')}_URL`;
        expect({ name, value: plainValue(gateway[name]) }).toEqual({ name, value: `http://${service}` });
      }
      expect(plainValue(env()['clinician-liaison']['CARE_TIMELINE_BASE_URL'])).toBe(
        `${plainValue(gateway['GATEWAY_PUBLIC_URL'])}/#/members`,
      );
    });
  });

  it('data-plane: only CareCircle services get into the PostgreSQL and Kafka namespaces from outside them', () => {
    const policies = rendered['data-plane'];
    expect(policies.map((policy) => `${policy.kind} ${policy.metadata.namespace}`).sort()).toEqual([
      'NetworkPolicy kafka',
      'NetworkPolicy postgresql',
    ]);
    const carecircleNamespace = { 'kubernetes.io/metadata.name': 'carecircle' };
    for (const policy of policies) {
      const spec = policy.spec as PolicySpec;
      expect(spec.podSelector).toEqual({});
      for (const peer of (spec.ingress ?? []).flatMap((rule) => rule.from ?? [{ ipBlock: 'anyone' }])) {
        expect(peer.ipBlock).toBeUndefined();
        if (!peer.namespaceSelector) continue; // pods of the data plane's own namespace
        expect(selects(peer.namespaceSelector, carecircleNamespace)).toBe(true);
        expect(selects(peer.namespaceSelector, { 'kubernetes.io/metadata.name': 'ingress-nginx' })).toBe(false);
        expect(peer.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/part-of': 'carecircle' } });
      }
    }
  });
});
