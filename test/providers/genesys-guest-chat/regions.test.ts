import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  apiBaseUrlForEnvironment,
  GENESYS_REGIONS,
  GuestChatConfigError,
  normalizeBaseUrl,
  normalizeEnvironment,
  resolveBaseUrl,
} from '../../../src/providers/genesys-guest-chat/index.ts';

test('every §2.2 region maps to https://api.<domain>, by key and by domain', () => {
  assert.equal(Object.keys(GENESYS_REGIONS).length, 17);
  for (const [key, domain] of Object.entries(GENESYS_REGIONS)) {
    assert.equal(apiBaseUrlForEnvironment(key), `https://api.${domain}`);
    assert.equal(apiBaseUrlForEnvironment(domain), `https://api.${domain}`);
  }
  assert.equal(apiBaseUrlForEnvironment('eu_west_1'), 'https://api.mypurecloud.ie');
  assert.equal(apiBaseUrlForEnvironment('use2.us-gov-pure.cloud'), 'https://api.use2.us-gov-pure.cloud');
});

test('environment strings are normalised like the SDK’s setEnvironment (§2.1)', () => {
  for (const input of [
    'mypurecloud.de',
    'https://mypurecloud.de',
    'http://api.mypurecloud.de/',
    'API.MyPureCloud.de',
    'api.mypurecloud.de//',
  ]) {
    assert.equal(normalizeEnvironment(input), 'mypurecloud.de', input);
  }
});

test('unknown environments are refused', () => {
  for (const input of ['example.com', 'mypurecloud.fr', '127.0.0.1:8080', '', 'eu_west_9']) {
    assert.throws(() => apiBaseUrlForEnvironment(input), GuestChatConfigError, input);
  }
});

test('explicit base URLs (the emulator) are validated and lose a trailing slash', () => {
  assert.equal(normalizeBaseUrl('http://127.0.0.1:4010/'), 'http://127.0.0.1:4010');
  assert.equal(normalizeBaseUrl('https://proxy.example/genesys/'), 'https://proxy.example/genesys');
  assert.equal(resolveBaseUrl({ baseUrl: 'http://127.0.0.1:1234' }), 'http://127.0.0.1:1234');
  assert.equal(resolveBaseUrl({ environment: 'mypurecloud.com' }), 'https://api.mypurecloud.com');
  for (const bad of [
    'not a url',
    'ftp://x',
    'ws://127.0.0.1:1',
    'http://u:p@host',
    'http://host/?a=1',
    'http://host/#x',
  ]) {
    assert.throws(() => normalizeBaseUrl(bad), GuestChatConfigError, bad);
  }
});
