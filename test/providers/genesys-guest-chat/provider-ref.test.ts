// The stored guest-chat handle, parsed strictly when it comes back from the store — and once per
// handle object, not once per call (issue 12): a handle that changed in place is parsed again. One
// read back from the store holds its JWT once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ProviderRef } from '../../../src/core/ports/provider.ts';
import {
  fromProviderRef,
  toProviderRef,
} from '../../../src/providers/genesys-guest-chat/adapter/provider-ref.ts';
import { operationOf } from '../../../src/providers/genesys-guest-chat/adapter/instrumented-fetch.ts';
import { buildUrl } from '../../../src/providers/genesys-guest-chat/rest/http-request.ts';

const session = {
  conversationId: 'c1',
  memberId: 'm1',
  jwt: 'jwt-1',
  eventStreamUri: 'wss://streaming.example/v2/stream?jwt=jwt-1',
};

test('the same handle gives the same session; a handle changed in place is checked again', () => {
  const ref = toProviderRef(session);
  const first = fromProviderRef(ref);
  assert.deepEqual(first, session);
  assert.equal(fromProviderRef(ref), first);
  const data = ref.data as Record<string, unknown>;
  data.jwt = 'jwt-2';
  assert.equal(fromProviderRef(ref).jwt, 'jwt-2');
  data.eventStreamUri = 'not a websocket URL';
  assert.throws(() => fromProviderRef(ref), /not a guest-chat session/);
  assert.throws(() => fromProviderRef({ kind: 'other', data: session }), /not a guest-chat session/);
});

test('URLs without a query are the base and the path; with one, the defined values are appended', () => {
  const base = 'https://api.example.com/api/v2/webchat/guest';
  const path = '/conversations/c1/members/m1/messages';
  assert.equal(buildUrl(base, path), new URL(base + path).href);
  assert.equal(buildUrl(base, path, { after: undefined }), new URL(base + path).href);
  assert.equal(
    buildUrl(base, '/conversations/c1/messages', { after: 'x y', pageSize: 25, sortOrder: undefined }),
    `${base}/conversations/c1/messages?after=x+y&pageSize=25`,
  );
  // The metrics' operation is read off the URL's path, query or not.
  assert.equal(operationOf('POST', buildUrl(base, path)), 'sendMessage');
  assert.equal(operationOf('get', `${base}/conversations/c1/messages?after=x`), 'listMessages');
  assert.equal(operationOf('GET', `${base}/conversations/c1/members/m1?x=/messages`), 'getMember');
});

test('a handle read back from the store holds its JWT once: as the slice of its URI', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const token = 'eyJ'.padEnd(600, 'x'); // a guest-chat JWT is ~0.4–0.6 KiB
  const stored = (i: number): ProviderRef =>
    // As the store gives it back: parsed JSON, so `jwt` and the URI are strings of their own.
    JSON.parse(
      JSON.stringify(
        toProviderRef({
          conversationId: `c${i}`,
          memberId: `m${i}`,
          jwt: `${token}${i}`,
          eventStreamUri: `wss://streaming.example/v1/token/${token}${i}`,
        }),
      ),
    ) as ProviderRef;
  const n = 5_000;
  gc();
  const base = process.memoryUsage().heapUsed;
  const refs = Array.from({ length: n }, (_, i) => stored(i));
  gc();
  const refsOnly = (process.memoryUsage().heapUsed - base) / n;
  const sessions = refs.map((ref) => fromProviderRef(ref));
  gc();
  const withSessions = (process.memoryUsage().heapUsed - base) / n;
  // The handle's own copy of the token is gone; the session costs a small object and a slice.
  assert.ok(
    refsOnly - withSessions > 300,
    `handles alone ${refsOnly.toFixed(0)} B each, with their sessions ${withSessions.toFixed(0)} B`,
  );
  assert.equal(sessions.length, n);
  assert.equal((refs[7]!.data as { jwt: string }).jwt, `${token}7`); // the same value
  assert.equal(sessions[7]!.jwt, `${token}7`);
});
