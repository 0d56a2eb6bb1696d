// Secrets are checked when the configuration loads (docs/security.md, "API keys"): webhook secrets of
// 24–64 bytes, API keys of at least 128 bits and none of the hand-made patterns, or their SHA-256
// (`keySha256`); base URLs without user:password@. Problems name the field, never the secret.
// `genesys-handover keygen` makes what passes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { apiKeyProblems, generateApiKey } from '../../src/config/api-key-strength.ts';
import { ConfigError, parseConfig } from '../../src/config/load.ts';

const endpoint = {
  id: 'support',
  provider: 'genesys-guest-chat',
  genesys: { environment: 'mypurecloud.de', organizationId: 'org', deploymentId: 'dep' },
  queue: 'Support',
};
const config = (apiKeys: unknown[], more: Record<string, unknown> = {}): unknown => ({
  apiKeys,
  endpoints: [{ ...endpoint, ...more }],
});

function problems(raw: unknown): string[] {
  try {
    parseConfig(raw, {});
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return [...err.problems];
  }
  return [];
}

const whsec = (bytes: number): string => `whsec_${randomBytes(bytes).toString('base64')}`;

describe('webhook secrets', () => {
  test('24–64 bytes after whsec_; fewer or more is a problem of that secret, which is not echoed', () => {
    const key = generateApiKey();
    const withSecrets = (secrets: string[]): unknown =>
      config([{ name: 'bot', key, endpoints: ['*'] }], {
        webhook: { url: 'https://bot.example/hook', secrets },
      });
    for (const bytes of [24, 32, 64]) assert.deepEqual(problems(withSecrets([whsec(bytes)])), [], `${bytes}`);
    const short = whsec(3);
    const found = problems(withSecrets([whsec(32), short, whsec(65)]));
    assert.equal(found.length, 2, found.join('\n'));
    assert.match(found[0]!, /^endpoints\.0\.webhook\.secrets\.1: the key after whsec_ must be 24–64 bytes/);
    assert.match(found[1]!, /^endpoints\.0\.webhook\.secrets\.2: /);
    assert.ok(!found.join('\n').includes(short.slice(6)), 'the secret is not echoed');
    assert.match(problems(withSecrets(['whsec_not base64!']))[0]!, /must look like whsec_<base64>/);
  });
});

describe('API keys', () => {
  test('blank, short, low-entropy and placeholder keys are refused, each with its reason', () => {
    const cases: [string, RegExp][] = [
      ['', /printable ASCII/],
      ['   ', /printable ASCII/],
      ['short', /too weak: about \d+ bits, at least 128/],
      ['0123456789abcdef0123456789abcd', /too weak: about 120 bits/], // 30 hex digits
      ['k'.repeat(40), /fewer than 8 different characters/],
      ['test-key-0123456789abcdefghijkl', /runs like "abcd"/],
      ['Xk3-Qz9_Xk3-Qz9_Xk3-Qz9_Xk3-Qz9_Xk3-Qz9_', /a repeated pattern/],
      ['CHANGE-ME-at-least-24-characters', /placeholder/],
      ['my secret key with spaces in it 123', /printable ASCII/],
    ];
    for (const [key, reason] of cases) {
      const found = problems(config([{ name: 'bot', key, endpoints: ['*'] }]));
      const line = found.find((p) => p.startsWith('apiKeys.0.key: '));
      assert.ok(line, `${JSON.stringify(key)}: ${found.join('\n')}`);
      assert.match(line, reason, JSON.stringify(key));
      if (key.trim().length > 4) assert.ok(!line.includes(key), 'the key is not echoed');
    }
  });

  test('random keys of 24 bytes or more always pass: hex, base64url, base64, and every keygen key', () => {
    for (let i = 0; i < 2000; i++) {
      for (const key of [
        randomBytes(24).toString('hex'),
        randomBytes(24).toString('base64url'),
        randomBytes(24).toString('base64'),
        generateApiKey(),
      ])
        assert.deepEqual(apiKeyProblems(key), [], key);
    }
    assert.match(generateApiKey(), /^ghk_[A-Za-z0-9_-]{43}$/);
  });

  test('a random 16-byte key is refused only when its characters happen to fit a smaller alphabet', () => {
    // 16 bytes are exactly the 128-bit floor, so the estimate (by the smallest alphabet holding every
    // character) refuses the rare draw that, say, has no lower-case letter — about 1 in 150,000
    // base64 keys. CI once drew 'RP9TCAHCYC45RN2H4L4Q8A': 22 × log2(36) ≈ 113 bits.
    assert.deepEqual(apiKeyProblems('RP9TCAHCYC45RN2H4L4Q8A'), [
      'too weak: about 113 bits, at least 128 needed (`genesys-handover keygen` makes one)',
    ]);
    const smallerAlphabet = /^(?:[0-9]+|[0-9a-f]+|[0-9A-F]+|[0-9a-z]+|[0-9A-Z]+)$/;
    for (let i = 0; i < 2000; i++) {
      for (const key of [
        randomBytes(16).toString('hex'),
        randomBytes(16).toString('base64url'),
        randomBytes(16).toString('base64'),
      ]) {
        const problems = apiKeyProblems(key);
        if (problems.length === 0) continue;
        assert.match(key.replace(/=+$/, ''), smallerAlphabet, key);
        assert.equal(problems.length, 1, key);
        assert.match(problems[0] ?? '', /^too weak: about \d+ bits/, key);
      }
    }
  });

  test('keySha256 instead of the key: 64 hex digits, exactly one of the two, duplicates found across both', () => {
    const key = generateApiKey();
    const hash = createHash('sha256').update(key).digest('hex');
    const cfg = parseConfig(config([{ name: 'bot', keySha256: hash, endpoints: ['*'] }]), {});
    const [entry] = cfg.apiKeys;
    assert.ok(entry);
    assert.equal(entry.keySha256, hash);
    assert.equal(entry.key, undefined);
    assert.match(
      problems(config([{ name: 'bot', keySha256: 'abc', endpoints: ['*'] }])).join('\n'),
      /apiKeys\.0\.keySha256: must be 64 hex digits/,
    );
    assert.match(
      problems(config([{ name: 'bot', key, keySha256: hash, endpoints: ['*'] }])).join('\n'),
      /apiKeys\.0: set exactly one of key or keySha256/,
    );
    assert.match(
      problems(config([{ name: 'bot', endpoints: ['*'] }])).join('\n'),
      /apiKeys\.0: set exactly one of key or keySha256/,
    );
    const dup = problems(
      config([
        { name: 'a', key, endpoints: ['*'] },
        { name: 'b', keySha256: hash.toUpperCase(), endpoints: ['*'] },
      ]),
    );
    assert.deepEqual(dup, ['apiKeys.1.keySha256: duplicate API key']);
  });
});

test('base URLs with user:password@ are refused (guest chat, Open Messaging, webhook), naming the field only', () => {
  const key = generateApiKey();
  const found = problems({
    apiKeys: [{ name: 'bot', key, endpoints: ['*'] }],
    endpoints: [
      {
        ...endpoint,
        genesys: { baseUrl: 'https://user:hunter2@api.example', organizationId: 'o', deploymentId: 'd' },
        webhook: { url: 'https://user:hunter2@bot.example/hook', secrets: [whsec(32)] },
      },
      {
        id: 'om',
        provider: 'genesys-open-messaging',
        queue: 'Support',
        genesys: {
          apiBaseUrl: 'https://api.example',
          loginBaseUrl: 'https://:hunter2@login.example',
          clientId: 'c',
          clientSecret: 's',
          integrationId: 'i',
          webhookSecret: 'a-webhook-secret-long-enough',
        },
      },
    ],
  });
  for (const field of [
    'endpoints.0.genesys.baseUrl',
    'endpoints.0.webhook.url',
    'endpoints.1.genesys.loginBaseUrl',
  ])
    assert.ok(
      found.some((p) => p.startsWith(`${field}: `) && p.includes('user:password@')),
      `${field}: ${found.join('\n')}`,
    );
  assert.ok(!found.join('\n').includes('hunter2'));
});

describe('genesys-handover keygen', () => {
  const bin = new URL('../../scripts/cli-from-source.mjs', import.meta.url).pathname;
  const dir = mkdtempSync(join(tmpdir(), 'gh-keygen-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]): { status: number | null; stdout: string; stderr: string } =>
    spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir });

  test('prints a key and its SHA-256; a configuration with either loads; --webhook-secret makes a whsec_', () => {
    const lines = run(['keygen']);
    assert.equal(lines.status, 0, lines.stderr);
    const key = /^key: +(\S+)$/m.exec(lines.stdout)?.[1];
    const hash = /^keySha256: +(\S+)$/m.exec(lines.stdout)?.[1];
    assert.ok(key && hash, lines.stdout);
    assert.equal(createHash('sha256').update(key).digest('hex'), hash);

    const json = run(['keygen', '--json']);
    const made = JSON.parse(json.stdout) as { key: string; keySha256: string };
    assert.notEqual(made.key, key, 'a new key each time');
    const secret = run(['keygen', '--webhook-secret']).stdout.trim();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);

    // What keygen printed, in a configuration file the gateway's loader reads.
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify(
        config(
          [
            { name: 'a', key: made.key, endpoints: ['*'] },
            { name: 'b', keySha256: hash, endpoints: ['*'] },
          ],
          { webhook: { url: 'https://bot.example/hook', secrets: [secret] } },
        ),
      ),
    );
    assert.deepEqual(
      problems(JSON.parse(JSON.stringify(config([{ name: 'a', key, endpoints: ['*'] }])))),
      [],
    );
    const purge = run(['purge', '--config', file, '--older-than-days', '1']);
    assert.equal(purge.status, 0, purge.stderr);
  });

  test('serve refuses a weak key and a short webhook secret at start: exit 2, the fields named, nothing echoed', () => {
    const file = join(dir, 'weak.json');
    writeFileSync(
      file,
      JSON.stringify(
        config([{ name: 'bot', key: 'password-password-password', endpoints: ['*'] }], {
          webhook: { url: 'https://bot.example/hook', secrets: ['whsec_c2VjcmV0'] },
        }),
      ),
    );
    const serve = run(['serve', '--config', file]);
    assert.equal(serve.status, 2, serve.stdout + serve.stderr);
    const out = serve.stdout + serve.stderr;
    assert.match(out, /apiKeys\.0\.key: /);
    assert.match(out, /endpoints\.0\.webhook\.secrets\.0: the key after whsec_ must be 24–64 bytes/);
    assert.ok(!out.includes('password-password'), out);
    assert.ok(!out.includes('c2VjcmV0'), out);
  });
});
