// The deployment files, tested as far as this machine allows (no Docker engine, no cluster — see
// docs/deploy.md): compose.yaml and the Kubernetes manifest parse, the manifest's objects validate
// against the Kubernetes API schemas, the environment each gives the gateway is a valid
// configuration, the probes name the gateway's routes, the image's ENV listens on 0.0.0.0, and the
// systemd unit passes `systemd-analyze verify`. The image's command itself runs in
// test/package/package.test.ts (on the installed tarball, which is what the image holds).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { loadConfig } from '../../src/config/load.ts';
import { dockerfile } from '../support/dockerfile.ts';

const root = new URL('../../', import.meta.url).pathname;
const read = (file: string): string => readFileSync(`${root}${file}`, 'utf8');

/** Compose's `${NAME:?message}` / `${NAME}` interpolation, with the given values. */
function interpolate(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{([A-Z_][A-Z0-9_]*)(?::\?[^}]*)?\}/g, (_m, name: string) => {
    const value = values[name];
    assert.ok(value !== undefined, `compose needs ${name}`);
    return value;
  });
}

describe('deployment files', () => {
  test('the image listens on 0.0.0.0:8080, runs the compiled bin as a non-root user, checks /readyz', () => {
    const image = dockerfile(read('Dockerfile'));
    assert.equal(image.stages, 2);
    assert.match(image.from, /^node:24-slim$/);
    assert.equal(image.user, 'node');
    assert.deepEqual(image.volumes, ['/data']);
    assert.deepEqual(image.entrypoint, ['node', 'bin/genesys-handover.js']);
    assert.deepEqual(image.cmd, ['serve']);
    assert.match(image.healthcheck.join(' '), /\/readyz/);
    const config = loadConfig(undefined, { ...image.env, ...minimalEnv });
    assert.equal(config.server.host, '0.0.0.0');
    assert.equal(config.server.port, 8080);
  });

  test('compose.yaml: the gateway on PostgreSQL, its environment a valid configuration', () => {
    const secrets = {
      POSTGRES_PASSWORD: 'pw',
      BOT_API_KEY: 'ghk_FLItpTNRm6K-QW9cDM5UXIDcXKMkYzwYMZctN2Hp9nI',
      WEBHOOK_SECRET: 'whsec_P3MBAoK16co7BbHwkBkwPEnw+aUBWyqeDSet0jTINs0=',
      GENESYS_CLIENT_ID: 'client',
      GENESYS_CLIENT_SECRET: 'secret',
      GENESYS_INTEGRATION_ID: 'integration',
      GENESYS_WEBHOOK_SECRET: 'a-webhook-secret-of-some-length',
    };
    const compose = parseYaml(interpolate(read('compose.yaml'), secrets)) as {
      services: Record<
        string,
        { environment?: Record<string, string>; depends_on?: unknown; image?: string }
      >;
    };
    assert.deepEqual(Object.keys(compose.services).sort(), ['gateway', 'postgres']);
    assert.match(compose.services['postgres']!.image!, /^postgres:/);
    const image = dockerfile(read('Dockerfile'));
    const config = loadConfig(undefined, { ...image.env, ...compose.services['gateway']!.environment });
    assert.equal(config.store.kind, 'postgres');
    assert.equal(config.server.host, '0.0.0.0');
    assert.equal(config.endpoints[0]?.provider, 'genesys-open-messaging');
  });

  test('the Kubernetes manifest: Secret, Deployment and Service validate; probes and configuration fit', () => {
    const docs = parseAllDocuments(read('deploy/kubernetes/genesys-handover.yaml')).map(
      (d) => d.toJS() as { kind: string },
    );
    assert.deepEqual(
      docs.map((d) => d.kind),
      ['Secret', 'Deployment', 'Service'],
    );
    const [secretDoc, deploymentDoc, serviceDoc] = docs;
    const secret = new Secret(secretDoc as never);
    const deployment = new Deployment(deploymentDoc as never);
    const service = new Service(serviceDoc as never);
    for (const object of [secret, deployment, service]) object.validate();
    // The validator is real: a wrong type is refused.
    assert.throws(() =>
      new Deployment({ ...(deploymentDoc as object), spec: { replicas: 'one' } } as never).validate(),
    );

    const container = deployment.spec!.template.spec!.containers[0]!;
    assert.equal(container.readinessProbe?.httpGet?.path, '/readyz');
    assert.equal(container.livenessProbe?.httpGet?.path, '/healthz');
    assert.equal(deployment.spec!.strategy?.type, 'Recreate');
    assert.equal(deployment.spec!.replicas, 1);
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? '']));
    const config = loadConfig(undefined, {
      ...dockerfile(read('Dockerfile')).env,
      ...(secret.stringData ?? {}),
      ...env,
    });
    assert.equal(config.store.kind, 'postgres');
    assert.equal(config.server.instanceId, 'genesys-handover');
    assert.equal(service.spec!.ports![0]!.targetPort, 'http');
  });

  test('the systemd unit passes systemd-analyze verify', () => {
    const r = spawnSync('systemd-analyze', ['verify', `${root}deploy/systemd/genesys-handover.service`], {
      encoding: 'utf8',
    });
    assert.equal(r.error, undefined, 'systemd-analyze is part of Debian’s systemd package');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr.trim(), '', 'no warnings');
  });
});

/** Enough configuration for loadConfig: one key, one endpoint. */
const minimalEnv = {
  GH__apiKeys__0__name: 'bot',
  GH__apiKeys__0__key: 'ghk_xmfQDo-6ynj0oqj_HAI75bHOh0l2v28rS3btL1tnrpc',
  GH__apiKeys__0__endpoints: '["*"]',
  GH__endpoints__0__id: 'support',
  GH__endpoints__0__provider: 'genesys-guest-chat',
  GH__endpoints__0__queue: 'Support',
  GH__endpoints__0__genesys__environment: 'mypurecloud.de',
  GH__endpoints__0__genesys__organizationId: 'org',
  GH__endpoints__0__genesys__deploymentId: 'dep',
};
