import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfigFile, parseConfig } from '../../src/config/load.ts';
import { DEFAULT_MAX_IN_FLIGHT } from '../../src/providers/genesys-guest-chat/rest/rest-client.ts';

const valid = {
  apiKeys: [{ name: 'bot', key: '${BOT_KEY}', endpoints: ['support'] }],
  endpoints: [
    {
      id: 'support',
      provider: 'genesys-guest-chat',
      genesys: { environment: 'mypurecloud.de', organizationId: 'org', deploymentId: 'dep' },
      queue: 'Support',
      webhook: { url: 'https://bot.example/hook', secrets: ['${HOOK_SECRET}'] },
    },
  ],
};
const env = {
  BOT_KEY: 'ghk_dZQ_AdewvO1xwrYuj74t8fFhk-bSt4-QFh7fJO5BnDM',
  HOOK_SECRET: 'whsec_STJc3IXqKe2nFw+xp05CK4H81Huf++eqa653kVDgu44=',
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

describe('configuration', () => {
  test('a valid config gets its defaults and resolves ${VAR} references', () => {
    const cfg = parseConfig(valid, env);
    assert.equal(cfg.server.port, 8080);
    assert.deepEqual(cfg.store, { kind: 'sqlite', path: './data/genesys-handover.db', writer: 'thread' });
    assert.equal(cfg.apiKeys[0]?.key, env.BOT_KEY);
    assert.deepEqual(cfg.endpoints[0]?.webhook?.secrets, [env.HOOK_SECRET]);
    assert.equal(cfg.endpoints[0].guestDisplayName, 'Customer');
    assert.equal(cfg.endpoints[0].sessionDurationSeconds, 3600);
  });

  test("a guest-chat endpoint's Genesys calls in flight: 32 unless set, a whole number from 1 to 1,024", () => {
    const support = valid.endpoints[0]!;
    const withLimit = (maxRequestsInFlight: unknown) => ({
      ...valid,
      endpoints: [{ ...support, genesys: { ...support.genesys, maxRequestsInFlight } }],
    });
    const defaulted = parseConfig(valid, env).endpoints[0];
    assert.ok(defaulted?.provider === 'genesys-guest-chat');
    assert.equal(defaulted.genesys.maxRequestsInFlight, 32);
    assert.equal(DEFAULT_MAX_IN_FLIGHT, 32, "the client's own default is the configuration's");
    const raised = parseConfig(withLimit(200), env).endpoints[0];
    assert.ok(raised?.provider === 'genesys-guest-chat');
    assert.equal(raised.genesys.maxRequestsInFlight, 200);
    const fromEnv = parseConfig(valid, {
      ...env,
      GH__endpoints__support__genesys__maxRequestsInFlight: '64',
    });
    assert.ok(fromEnv.endpoints[0]?.provider === 'genesys-guest-chat');
    assert.equal(fromEnv.endpoints[0].genesys.maxRequestsInFlight, 64);
    for (const bad of [0, 1025, 2.5, '8'])
      assert.ok(
        problems(() => parseConfig(withLimit(bad), env)).some((p) =>
          p.includes('endpoints.0.genesys.maxRequestsInFlight'),
        ),
        `${JSON.stringify(bad)} is refused`,
      );
  });

  test('GH__ environment variables override values, endpoints addressed by id', () => {
    const cfg = parseConfig(valid, {
      ...env,
      GH__server__port: '9090',
      GH__endpoints__support__queue: 'Billing',
      GH__endpoints__support__defaults__skills: '["a","b"]',
    });
    assert.equal(cfg.server.port, 9090);
    assert.equal(cfg.endpoints[0]?.queue, 'Billing');
    assert.deepEqual(cfg.endpoints[0].defaults.skills, ['a', 'b']);
  });

  test('every problem is listed at once', () => {
    const bad = {
      apiKeys: [{ name: 'bot', key: 'short', endpoints: ['nowhere'] }],
      endpoints: [
        {
          id: 'a',
          provider: 'genesys-guest-chat',
          genesys: { environment: 'example.com', organizationId: 'o', deploymentId: 'd' },
          queue: 'Q',
        },
        {
          id: 'a',
          provider: 'genesys-guest-chat',
          genesys: {
            baseUrl: 'http://127.0.0.1:1',
            environment: 'mypurecloud.de',
            organizationId: 'o',
            deploymentId: 'd',
          },
          queue: '',
          webhook: { url: 'ftp://x', secrets: ['nope'] },
        },
      ],
      surprise: true,
    };
    const list = problems(() => parseConfig(bad, { GH__endpoints__zzz__queue: 'x' }));
    const text = list.join('\n');
    for (const expected of [
      'apiKeys.0.key',
      'endpoints.0.genesys.environment',
      'endpoints.1.queue',
      'endpoints.1.webhook.url',
      'endpoints.1.webhook.secrets.0',
      'exactly one of environment',
      'duplicate endpoint id',
      'unknown endpoint "nowhere"',
      'surprise',
      'GH__endpoints__zzz__queue',
    ]) {
      assert.ok(text.includes(expected), `missing "${expected}" in:\n${text}`);
    }
    assert.ok(list.length >= 9);
  });

  test('an Open Messaging endpoint: region or base URLs, credentials by reference, attribute names defaulted', () => {
    const om = {
      id: 'om',
      provider: 'genesys-open-messaging',
      genesys: {
        region: 'eu_central_1',
        clientId: '${OM_ID}',
        clientSecret: '${OM_SECRET}',
        integrationId: 'integration-1',
        webhookSecret: '${OM_HOOK}',
      },
      queue: 'Support',
    };
    const omEnv = { ...env, OM_ID: 'client', OM_SECRET: 's3cr3t', OM_HOOK: 'x'.repeat(20) };
    const cfg = parseConfig({ ...valid, endpoints: [...valid.endpoints, om] }, omEnv);
    const ep = cfg.endpoints[1];
    assert.ok(ep?.provider === 'genesys-open-messaging');
    assert.equal(ep.genesys.clientSecret, 's3cr3t');
    assert.deepEqual(ep.genesys.attributeNames, {
      queue: 'hg_queue',
      language: 'hg_language',
      skills: 'hg_skills',
      priority: 'hg_priority',
    });
    assert.equal(ep.genesys.requestsPerMinute, 300);
    assert.equal(ep.genesys.deliveryReceipts, true);

    const bad = {
      ...om,
      genesys: {
        ...om.genesys,
        region: 'moon_1',
        baseUrl: 'http://127.0.0.1:1',
        apiBaseUrl: 'http://127.0.0.1:2',
        webhookSecret: 'short',
      },
    };
    const text = problems(() => parseConfig({ ...valid, endpoints: [...valid.endpoints, bad] }, omEnv)).join(
      '\n',
    );
    for (const expected of [
      'endpoints.1.genesys.region',
      'endpoints.1.genesys.webhookSecret',
      'exactly one of region, baseUrl, or both apiBaseUrl and loginBaseUrl',
    ])
      assert.ok(text.includes(expected), `missing "${expected}" in:\n${text}`);
    assert.ok(!text.includes('s3cr3t'), 'a problem never repeats a secret');
    const twice = problems(() =>
      parseConfig({ ...valid, endpoints: [...valid.endpoints, om, { ...om, id: 'om-2' }] }, omEnv),
    ).join('\n');
    assert.ok(
      twice.includes('endpoints.2.genesys.integrationId: another endpoint uses this integration'),
      twice,
    );
    const unknown = problems(() =>
      parseConfig({ ...valid, endpoints: [{ ...om, provider: 'genesys-carrier-pigeon' }] }, omEnv),
    ).join('\n');
    assert.ok(unknown.includes('endpoints.0.provider'), unknown);
  });

  test('a missing ${VAR} is a problem, not an empty secret', () => {
    const list = problems(() => parseConfig(valid, { BOT_KEY: env.BOT_KEY }));
    assert.ok(list.some((p) => p.includes('HOOK_SECRET is not set')));
  });

  test('files: YAML and JSON; unreadable and unparsable files are reported', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-config-'));
    try {
      const yamlPath = join(dir, 'c.yaml');
      writeFileSync(
        yamlPath,
        'apiKeys:\n  - name: bot\n    key: ${BOT_KEY}\n    endpoints: ["*"]\nendpoints:\n  - id: support\n    provider: genesys-guest-chat\n    genesys: { baseUrl: "http://127.0.0.1:8099", organizationId: o, deploymentId: d }\n    queue: Support\n',
      );
      const loaded = loadConfigFile(yamlPath, env).endpoints[0];
      assert.equal(
        loaded?.provider === 'genesys-guest-chat' ? loaded.genesys.baseUrl : undefined,
        'http://127.0.0.1:8099',
      );
      const jsonPath = join(dir, 'c.json');
      writeFileSync(jsonPath, JSON.stringify(valid));
      assert.equal(loadConfigFile(jsonPath, env).endpoints[0]?.id, 'support');
      writeFileSync(join(dir, 'broken.json'), '{');
      assert.match(problems(() => loadConfigFile(join(dir, 'broken.json'), env))[0] ?? '', /not valid JSON/);
      assert.match(problems(() => loadConfigFile(join(dir, 'missing.yaml'), env))[0] ?? '', /cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('the example configuration in config/example.yaml is valid', () => {
  const path = new URL('../../config/example.yaml', import.meta.url).pathname;
  const cfg = loadConfigFile(path, {
    BOT_API_KEY: 'ghk_dSNwsgW_SFblNS1cI-GCLheffTueVV958EPURvpoR3A',
    GENESYS_ORG_ID: 'org',
    GENESYS_DEPLOYMENT_ID: 'dep',
    WEBHOOK_SECRET: 'whsec_STJc3IXqKe2nFw+xp05CK4H81Huf++eqa653kVDgu44=',
    GENESYS_CLIENT_ID: 'client',
    GENESYS_CLIENT_SECRET: 'secret',
    GENESYS_INTEGRATION_ID: 'integration',
    GENESYS_WEBHOOK_SECRET: 'a-webhook-secret-of-some-length',
  });
  const first = cfg.endpoints.at(0);
  assert.equal(
    first?.provider === 'genesys-guest-chat' ? first.genesys.environment : undefined,
    'mypurecloud.de',
  );
});

test('store: SQLite by default (kind optional), or PostgreSQL with a URL', () => {
  const sqlite = parseConfig({ ...valid, store: { path: '/tmp/x.db' } }, env);
  assert.deepEqual(sqlite.store, { kind: 'sqlite', path: '/tmp/x.db', writer: 'thread' });
  const pgCfg = parseConfig(
    { ...valid, store: { kind: 'postgres', url: '${PG_URL}', schema: 'gh' } },
    { ...env, PG_URL: 'postgres://u:p@127.0.0.1:5432/db' },
  );
  assert.deepEqual(pgCfg.store, {
    kind: 'postgres',
    url: 'postgres://u:p@127.0.0.1:5432/db',
    schema: 'gh',
    poolSize: 10,
    preparedStatements: true,
    singleInstance: true,
    leaseSeconds: 6,
  });
  const list = problems(() => parseConfig({ ...valid, store: { kind: 'postgres', url: 'mysql://x' } }, env));
  assert.ok(
    list.some((p) => p.startsWith('store')),
    list.join('\n'),
  );
});

test('limits: documented defaults for every key, each overridable per key; an endpoint cap per endpoint', async () => {
  const { keyLimitsOf, DEFAULT_KEY_LIMITS } = await import('../../src/config/schema.ts');
  const cfg = parseConfig(
    {
      ...valid,
      limits: { requestsPerSecond: 20 },
      apiKeys: [
        ...valid.apiKeys,
        { name: 'big', key: '${BIG_KEY}', endpoints: ['*'], limits: { openHandovers: 50_000 } },
      ],
    },
    { ...env, BIG_KEY: 'ghk_dSNwsgW_SFblNS1cI-GCLheffTueVV958EPURvpoR3A' },
  );
  assert.deepEqual(cfg.limits, { ...DEFAULT_KEY_LIMITS, requestsPerSecond: 20 });
  assert.deepEqual(keyLimitsOf(cfg, cfg.apiKeys[0]!), { ...DEFAULT_KEY_LIMITS, requestsPerSecond: 20 });
  assert.deepEqual(keyLimitsOf(cfg, cfg.apiKeys[1]!), {
    ...DEFAULT_KEY_LIMITS,
    requestsPerSecond: 20,
    openHandovers: 50_000,
  });
  assert.equal(cfg.endpoints[0]?.maxOpenHandovers, 5000);
  assert.deepEqual(DEFAULT_KEY_LIMITS, {
    requestsPerSecond: 200,
    openHandovers: 1000,
    sseStreams: 1000,
    sseStreamsPerHandover: 5,
    maxMessageLength: 16_000,
  });
  const bad = problems(() => parseConfig({ ...valid, limits: { requestsPerSecond: 0, bogus: 1 } }, env));
  assert.ok(
    bad.some((p) => p.startsWith('limits.requestsPerSecond')),
    bad.join('\n'),
  );
  assert.ok(
    bad.some((p) => p.startsWith('limits')),
    bad.join('\n'),
  );
});

test('upstream URLs: https except loopback (or security.allowInsecureHttp), never user:pass@, private webhook hosts blocked on request', () => {
  const withUrls = (webhook: string, base: string, security?: Record<string, unknown>) => ({
    ...valid,
    ...(security ? { security } : {}),
    endpoints: [
      {
        ...valid.endpoints[0],
        genesys: { baseUrl: base, organizationId: 'org', deploymentId: 'dep' },
        webhook: { url: webhook, secrets: ['${HOOK_SECRET}'] },
      },
    ],
  });
  assert.doesNotThrow(() => parseConfig(withUrls('http://127.0.0.1:9/hook', 'http://localhost:8099'), env));
  assert.doesNotThrow(() => parseConfig(withUrls('https://bot.example/hook', 'https://api.example'), env));
  const plain = problems(() => parseConfig(withUrls('http://bot.example/hook', 'http://emu.example'), env));
  assert.ok(
    plain.some((p) => p.startsWith('endpoints.0.webhook.url: must be https://')),
    plain.join('\n'),
  );
  assert.ok(
    plain.some((p) => p.startsWith('endpoints.0.genesys.baseUrl: must be https://')),
    plain.join('\n'),
  );
  assert.doesNotThrow(() =>
    parseConfig(withUrls('http://bot.example/hook', 'http://emu.example', { allowInsecureHttp: true }), env),
  );
  const creds = problems(() =>
    parseConfig(withUrls('https://u:p@bot.example/hook', 'https://api.example'), env),
  );
  assert.ok(
    creds.some((p) => p.includes('user:password@')),
    creds.join('\n'),
  );
  assert.ok(!creds.join('\n').includes('u:p@'), 'the URL itself is not echoed');
  for (const host of [
    '169.254.169.254',
    '10.1.2.3',
    '192.168.0.1',
    '172.20.0.1',
    '[fd00::1]',
    '[fe80::1]',
    'metadata.google.internal',
  ]) {
    const blocked = problems(() =>
      parseConfig(
        withUrls(`https://${host}/hook`, 'https://api.example', { blockPrivateWebhookAddresses: true }),
        env,
      ),
    );
    assert.ok(
      blocked.some((p) => p.includes('private, link-local or metadata')),
      `${host}: ${blocked.join('\n')}`,
    );
  }
  assert.doesNotThrow(() =>
    parseConfig(
      withUrls('https://203.0.113.9/hook', 'https://api.example', { blockPrivateWebhookAddresses: true }),
      env,
    ),
  );
});
