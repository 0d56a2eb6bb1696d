// /metrics and /docs: on the API port they need a key; with server.adminPort they move to an admin
// server (no key) and the API port no longer has them. A key configured by its SHA-256 alone
// (`keySha256`) opens the API like the key itself. A real gateway on 127.0.0.1, real HTTP.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pino } from 'pino';
import { apiKeySha256, generateApiKey } from '../../src/config/api-key-strength.ts';
import { parseConfig } from '../../src/config/load.ts';
import { startGateway, type RunningGateway } from '../../src/composition/start-gateway.ts';

const dir = mkdtempSync(join(tmpdir(), 'gh-admin-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const KEY = generateApiKey();
const HASHED_KEY = generateApiKey();

async function gateway(name: string, server: Record<string, unknown>): Promise<RunningGateway> {
  const config = parseConfig(
    {
      server: { host: '127.0.0.1', port: 0, ...server },
      store: { path: join(dir, `${name}.db`) },
      apiKeys: [
        { name: 'plain', key: KEY, endpoints: ['*'] },
        { name: 'hashed', keySha256: apiKeySha256(HASHED_KEY).toUpperCase(), endpoints: ['*'] },
      ],
      endpoints: [
        {
          id: 'support',
          provider: 'genesys-guest-chat',
          genesys: { baseUrl: 'http://127.0.0.1:9', organizationId: 'org', deploymentId: 'dep' },
          queue: 'Support',
        },
      ],
    },
    {},
  );
  return startGateway(config, { logger: pino({ level: 'silent' }) });
}

const get = async (url: string, key?: string): Promise<{ status: number; text: string }> => {
  const res = await fetch(url, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  return { status: res.status, text: await res.text() };
};

describe('/metrics and /docs', () => {
  test('without an admin port: on the API port, each needs a valid key (401 without, 200 with)', async () => {
    const gw = await gateway('keyed', {});
    try {
      assert.equal(gw.adminUrl, undefined);
      for (const path of ['/metrics', '/docs', '/docs/json', '/docs/static/index.html']) {
        const anonymous = await get(`${gw.url}${path}`);
        assert.equal(anonymous.status, 401, path);
        assert.match(anonymous.text, /"UNAUTHENTICATED"/);
        assert.equal((await get(`${gw.url}${path}`, generateApiKey())).status, 401, path);
      }
      const metrics = await get(`${gw.url}/metrics`, KEY);
      assert.equal(metrics.status, 200);
      assert.match(metrics.text, /genesys_handover_handovers/);
      const doc = await get(`${gw.url}/docs/json`, HASHED_KEY);
      assert.equal(doc.status, 200);
      assert.ok((JSON.parse(doc.text) as { paths: Record<string, unknown> }).paths['/v1/handovers']);
      const root = JSON.parse((await get(`${gw.url}/`)).text) as Record<string, unknown>;
      assert.equal(root['metrics'], '/metrics');
      // Health and readiness stay open: orchestrators probe them without a key.
      assert.equal((await get(`${gw.url}/healthz`)).status, 200);
    } finally {
      await gw.close();
    }
  });

  test('with server.adminPort: on the admin port without a key, gone from the API port', async () => {
    const gw = await gateway('admin', { adminPort: 0 });
    try {
      assert.ok(gw.adminUrl, 'an admin URL');
      assert.notEqual(gw.adminUrl, gw.url);
      assert.match(gw.adminUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      const metrics = await get(`${gw.adminUrl}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(metrics.text, /genesys_handover_handovers/);
      const doc = await get(`${gw.adminUrl}/docs/json`);
      assert.equal(doc.status, 200);
      const paths = (JSON.parse(doc.text) as { paths: Record<string, unknown> }).paths;
      assert.ok(paths['/v1/handovers'] && paths['/v1/handovers/{id}/events'], 'the whole API document');
      assert.equal((await get(`${gw.adminUrl}/docs`)).status < 400, true);
      for (const path of ['/metrics', '/docs', '/docs/json'])
        assert.equal((await get(`${gw.url}${path}`, KEY)).status, 404, path);
      const root = JSON.parse((await get(`${gw.url}/`)).text) as Record<string, unknown>;
      assert.equal(root['metrics'], undefined);
      assert.equal(root['docs'], undefined);
      // The admin port is not an API port.
      assert.equal((await get(`${gw.adminUrl}/v1/handovers`, KEY)).status, 404);
    } finally {
      await gw.close();
    }
  });
});

test('a key configured as keySha256 opens /v1 like the key; a wrong one is 401', async () => {
  const gw = await gateway('hashed', {});
  try {
    assert.equal((await get(`${gw.url}/v1/handovers`, HASHED_KEY)).status, 200);
    assert.equal((await get(`${gw.url}/v1/handovers`, KEY)).status, 200);
    assert.equal(
      (await get(`${gw.url}/v1/handovers`, apiKeySha256(HASHED_KEY))).status,
      401,
      'the hash is no key',
    );
    assert.equal((await get(`${gw.url}/v1/handovers`)).status, 401);
  } finally {
    await gw.close();
  }
});
