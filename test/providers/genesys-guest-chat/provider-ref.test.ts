// The stored guest-chat handle, parsed strictly when it comes back from the store — and once per
// handle object, not once per call (issue 12): a handle that changed in place is parsed again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
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
