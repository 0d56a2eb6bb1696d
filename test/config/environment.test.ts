// Twelve-factor configuration: the environment alone configures the gateway (GH__ with indexes that
// create array elements, HOST/PORT), the file may be named by GENESYS_HANDOVER_CONFIG, admin commands
// read only the store settings, and problems are listed once per field.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError, loadConfig, loadStoreSettings, parseConfig } from '../../src/config/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'gh-env-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A whole gateway configuration in environment variables, as a container would get it. */
const envOnly = {
  GH__apiKeys__0__name: 'bot',
  GH__apiKeys__0__key: 'ghk_5qyEZn4FvnxWXP6PZUKuLZUV-xlLw1kCm_YGNncrTHQ',
  GH__apiKeys__0__endpoints: '["support"]',
  GH__endpoints__0__id: 'support',
  GH__endpoints__0__provider: 'genesys-open-messaging',
  GH__endpoints__0__queue: 'Support',
  GH__endpoints__0__genesys__region: 'eu_central_1',
  GH__endpoints__0__genesys__clientId: 'client',
  GH__endpoints__0__genesys__clientSecret: 'secret',
  GH__endpoints__0__genesys__integrationId: 'integration',
  GH__endpoints__0__genesys__webhookSecret: 'sixteen-characters-at-least',
  GH__endpoints__support__defaults__skills: '["billing"]',
  GH__store__kind: 'postgres',
  GH__store__url: 'postgres://gw:pw@db:5432/gw',
};

function problems(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('configuration from the environment', () => {
  test('the environment alone is a whole configuration; HOST and PORT set the listener', () => {
    const config = loadConfig(undefined, { ...envOnly, HOST: '0.0.0.0', PORT: '3000' });
    assert.equal(config.server.host, '0.0.0.0');
    assert.equal(config.server.port, 3000);
    assert.equal(config.apiKeys[0]?.key, 'ghk_5qyEZn4FvnxWXP6PZUKuLZUV-xlLw1kCm_YGNncrTHQ');
    const endpoint = config.endpoints[0];
    assert.equal(endpoint?.provider, 'genesys-open-messaging');
    assert.deepEqual(endpoint.defaults.skills, ['billing']);
    assert.equal(endpoint.genesys.attributeNames.queue, 'hg_queue');
    assert.deepEqual(config.store, {
      kind: 'postgres',
      url: 'postgres://gw:pw@db:5432/gw',
      poolSize: 10,
      preparedStatements: true,
      singleInstance: true,
      leaseSeconds: 6,
    });
  });

  test('GH__server__port wins over PORT; a bad PORT is named', () => {
    assert.equal(
      loadConfig(undefined, { ...envOnly, PORT: '3000', GH__server__port: '4000' }).server.port,
      4000,
    );
    assert.deepEqual(
      problems(() => loadConfig(undefined, { ...envOnly, PORT: 'http' })),
      ['PORT: "http" is not a port number'],
    );
  });

  test('GENESYS_HANDOVER_CONFIG names the file; --config wins; the environment overrides the file', () => {
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.json');
    writeFileSync(a, 'server:\n  port: 1111\n');
    writeFileSync(b, JSON.stringify({ server: { port: 2222 } }));
    const env = { ...envOnly, GENESYS_HANDOVER_CONFIG: a };
    assert.equal(loadConfig(undefined, env).server.port, 1111);
    assert.equal(loadConfig(b, env).server.port, 2222);
    assert.equal(loadConfig(undefined, { ...env, PORT: '3333' }).server.port, 3333);
  });

  test('nothing configured: every missing part is listed, each field once', () => {
    const list = problems(() => loadConfig(undefined, {}));
    assert.deepEqual(list, [
      'apiKeys: Invalid input: expected array, received undefined',
      'endpoints: Invalid input: expected array, received undefined',
    ]);
    // A field wrong in two ways (a bad id zod refuses, which the key also names) gets one line.
    const twice = problems(() =>
      parseConfig(
        {
          apiKeys: [
            { name: 'k', key: 'ghk_0tZIdfXQlESiZ9rltJMby5xUFZUWBC-h5VSO3PoHyy8', endpoints: ['bad id!'] },
          ],
          endpoints: [],
        },
        {},
      ),
    );
    const lines = twice.filter((p) => p.startsWith('apiKeys.0.endpoints.0'));
    assert.equal(lines.length, 1, twice.join('\n'));
    assert.match(lines[0]!, /unknown endpoint "bad id!"; .*letters, digits/);
  });

  test('a wrong store field is reported against that field, not as "store: Invalid input"', () => {
    const base = { ...envOnly, GH__store__kind: undefined, GH__store__url: undefined };
    assert.deepEqual(
      problems(() => loadConfig(undefined, { ...base, GH__store__kind: 'postgres' })),
      ['store.url: Invalid input: expected string, received undefined'],
    );
    assert.match(
      problems(() => loadConfig(undefined, { ...base, GH__store__kind: 'mysql' }))[0]!,
      /^store\.kind: /,
    );
  });

  test('the store settings alone: no API keys or endpoints needed, the rest of a file unread', () => {
    assert.deepEqual(loadStoreSettings(undefined, { GH__store__path: '/data/x.db' }).store, {
      kind: 'sqlite',
      path: '/data/x.db',
      writer: 'thread',
    });
    const file = join(dir, 'store-only.yaml');
    writeFileSync(file, 'store:\n  kind: postgres\n  url: ${DB_URL}\nendpoints: [whatever]\n');
    assert.equal(loadStoreSettings(file, { DB_URL: 'postgres://x@y/z' }).store.kind, 'postgres');
    assert.deepEqual(
      problems(() => loadStoreSettings(file, {})),
      ['store.url: environment variable DB_URL is not set; must be a postgres:// URL'],
    );
  });
});
