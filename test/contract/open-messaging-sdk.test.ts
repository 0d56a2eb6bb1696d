// Contract: Genesys' official platform SDK (purecloud-platform-client-v2 262.x) drives the emulator's
// Open Messaging side exactly as a production client would: OAuth (§1), integrations (§2), inbound
// messages, events and receipts (§3), conversations and participants (§5), users, notifications (§4.6).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { startTestEmulator } from '../emulator/helpers.ts';
import { platformSdkFor, rejection } from './platform-sdk-client.ts';

let emulator: RunningEmulator;
let sdk: ReturnType<typeof platformSdkFor>;

before(async () => {
  emulator = await startTestEmulator();
  sdk = platformSdkFor(emulator);
});
after(() => emulator.close());

test('loginClientCredentialsGrant gets a token from /login/oauth/token (§1.1–§1.3)', async () => {
  const auth = await sdk.client.loginClientCredentialsGrant('emulator-client', 'emulator-secret');
  assert.equal(typeof auth.accessToken, 'string');
  assert.ok(auth.accessToken.length > 40);
  // The SDK stores now + expires_in·1000 (86,399 s by default).
  assert.ok(auth.tokenExpiryTime > Date.now() + 86_000_000);
});

test('a wrong secret rejects the login with status 401 and the invalid_client body (§1.4)', async () => {
  const error = await rejection(sdk.client.loginClientCredentialsGrant('emulator-client', 'wrong-secret'));
  const response = error.response as { status: number; data: unknown };
  assert.equal(response.status, 401);
  assert.deepEqual(response.data, {
    error: 'invalid_client',
    description: 'authentication failed',
    error_description: 'authentication failed',
  });
  // Log in again so later tests run with a valid token.
  await sdk.client.loginClientCredentialsGrant('emulator-client', 'emulator-secret');
});
