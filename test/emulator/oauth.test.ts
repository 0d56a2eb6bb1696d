// OAuth client credentials (§1): Basic or form credentials, the captured invalid_client body, grant
// errors, bearer tokens required on the platform API, the per-token rate limit and token expiry.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { agentApi, http, startTestEmulator } from './helpers.ts';
import { accessToken, assertErrorBody, basicAuth, platform, tokenRequest } from './platform-helpers.ts';

let emulator: RunningEmulator;
before(async () => {
  emulator = await startTestEmulator({
    oauthClients: [
      { clientId: 'emulator-client', clientSecret: 'emulator-secret' },
      { clientId: 'short-lived', clientSecret: 'short-secret', accessTokenValiditySeconds: 300 },
    ],
    tokenRequestsPerMinute: 3,
  });
});
after(() => emulator.close());

test('Basic credentials get {access_token, token_type:"bearer", expires_in} (§1.3)', async () => {
  const result = await tokenRequest(emulator, 'grant_type=client_credentials', {
    authorization: basicAuth('emulator-client', 'emulator-secret'),
  });
  assert.equal(result.status, 200, result.text);
  const body = result.body as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'token_type']);
  assert.equal(body.token_type, 'bearer');
  assert.equal(body.expires_in, 86_399);
  assert.match(String(body.access_token), /^[A-Za-z0-9_-]{40,}$/);
  assert.equal(result.headers.get('cache-control'), 'no-store');
});

test('form credentials work too, and the client lifetime sets expires_in (§1.2, §1.3)', async () => {
  const result = await http(emulator, 'POST', '/oauth/token', {
    raw: 'grant_type=client_credentials&client_id=short-lived&client_secret=short-secret',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(result.status, 200, result.text);
  assert.equal((result.body as { expires_in: number }).expires_in, 300);
});

test('wrong secret, unknown client or no credentials → the captured 401 invalid_client body (§1.4)', async () => {
  const captured = {
    error: 'invalid_client',
    description: 'authentication failed',
    error_description: 'authentication failed',
  };
  for (const headers of [
    { authorization: basicAuth('emulator-client', 'wrong') },
    { authorization: basicAuth('nobody', 'emulator-secret') },
    { authorization: 'Basic not-base64!' },
    {},
  ]) {
    const result = await tokenRequest(emulator, 'grant_type=client_credentials', headers);
    assert.equal(result.status, 401, result.text);
    assert.deepEqual(result.body, captured);
  }
});

test('grant and body errors are OAuth errors, not ErrorBodies', async () => {
  const auth = { authorization: basicAuth('emulator-client', 'emulator-secret') };
  const missing = await tokenRequest(emulator, 'scope=x', auth);
  assert.equal(missing.status, 400);
  assert.equal((missing.body as { error: string }).error, 'invalid_request');
  const other = await tokenRequest(emulator, 'grant_type=password', auth);
  assert.equal(other.status, 400);
  assert.equal((other.body as { error: string }).error, 'unsupported_grant_type');
  const json = await http(emulator, 'POST', '/login/oauth/token', {
    body: { grant_type: 'client_credentials' },
    headers: auth,
  });
  assert.equal(json.status, 400);
  assert.equal((json.body as { error: string }).error, 'invalid_request');
});

test('platform routes need a bearer token: missing → authentication.required, bad → bad.credentials', async () => {
  assertErrorBody(await http(emulator, 'GET', '/api/v2/tokens/me'), 401, 'authentication.required');
  assertErrorBody(
    await http(emulator, 'GET', '/api/v2/tokens/me', { headers: { authorization: 'Bearer nope' } }),
    401,
    'bad.credentials',
  );
  assertErrorBody(
    await http(emulator, 'GET', '/api/v2/tokens/me', {
      headers: { authorization: basicAuth('emulator-client', 'emulator-secret') },
    }),
    401,
    'bad.credentials',
  );
  const token = await accessToken(emulator);
  const me = await http(emulator, 'GET', '/api/v2/tokens/me', {
    headers: { authorization: `bearer ${token}` },
  });
  assert.equal(me.status, 200, me.text);
  assert.equal((me.body as { OAuthClient: { id: string } }).OAuthClient.id, 'emulator-client');
});

test('the per-token limit answers 429 with Retry-After; another token is not affected (§1.4)', async () => {
  const token = await accessToken(emulator);
  for (let i = 0; i < 3; i += 1)
    assert.equal((await platform(emulator, token, 'GET', '/api/v2/tokens/me')).status, 200);
  const limited = await platform(emulator, token, 'GET', '/api/v2/tokens/me');
  const body = assertErrorBody(limited, 429, 'too.many.requests.retry.after');
  const retryAfter = Number(limited.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
  assert.equal(body.message, `Rate limit exceeded the maximum. Retry the request in [${retryAfter}] seconds`);
  const other = await accessToken(emulator);
  assert.equal((await platform(emulator, other, 'GET', '/api/v2/tokens/me')).status, 200);
});

test('expired tokens are refused with bad.credentials; a new token works (fault expire-tokens)', async () => {
  const token = await accessToken(emulator);
  const shortLived = await accessToken(emulator, { id: 'short-lived', secret: 'short-secret' });
  const expired = await agentApi(emulator, 'POST', '/faults', {
    kind: 'expire-tokens',
    clientId: 'emulator-client',
  });
  assert.equal(expired.status, 200, expired.text);
  assert.ok((expired.body as { expired: number }).expired >= 1);
  assertErrorBody(await platform(emulator, token, 'GET', '/api/v2/tokens/me'), 401, 'bad.credentials');
  assert.equal((await platform(emulator, shortLived, 'GET', '/api/v2/tokens/me')).status, 200);
  const fresh = await accessToken(emulator);
  assert.equal((await platform(emulator, fresh, 'GET', '/api/v2/tokens/me')).status, 200);
});

test('a token lifetime of one second really expires (no fault)', async () => {
  const short = await startTestEmulator({
    oauthClients: [{ clientId: 'c', clientSecret: 's', accessTokenValiditySeconds: 1 }],
  });
  try {
    const token = await accessToken(short, { id: 'c', secret: 's' });
    assert.equal((await platform(short, token, 'GET', '/api/v2/tokens/me')).status, 200);
    // Bounded wait for the clock to pass the expiry; the assertion is on the answer, not on time.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assertErrorBody(await platform(short, token, 'GET', '/api/v2/tokens/me'), 401, 'bad.credentials');
  } finally {
    await short.close();
  }
});
