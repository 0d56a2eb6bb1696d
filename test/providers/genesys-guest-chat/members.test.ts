import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  GenesysAbortedError,
  GenesysApiError,
  MemberDirectory,
  MemberStateTracker,
  type CallOptions,
  type GuestCredentials,
  type MemberInfo,
} from '../../../src/providers/genesys-guest-chat/index.ts';

const creds: GuestCredentials = { conversationId: 'c', memberId: 'guest', jwt: 'jwt' };

function fakeClient(members: Record<string, MemberInfo>) {
  const calls: string[] = [];
  const gates: (() => void)[] = [];
  let gated = false;
  return {
    calls,
    gate(): void {
      gated = true;
    },
    release(): void {
      gated = false;
      gates.splice(0).forEach((g) => g());
    },
    async getMember(c: GuestCredentials, memberId: string, options: CallOptions): Promise<MemberInfo> {
      assert.equal(c, creds);
      calls.push(memberId);
      if (gated) {
        await new Promise<void>((resolve, reject) => {
          gates.push(resolve);
          options.signal.addEventListener('abort', () => reject(new GenesysAbortedError('getMember')), {
            once: true,
          });
        });
      }
      const m = members[memberId];
      if (!m)
        throw new GenesysApiError({
          status: 404,
          operation: 'getMember',
          genesysCode: 'chat.error.not.found',
        });
      return m;
    },
  };
}

const agent: MemberInfo = {
  id: 'a1',
  role: 'AGENT',
  displayName: 'Grace',
  avatarImageUrl: 'https://img/g.png',
  state: 'ALERTING',
};

describe('MemberDirectory', () => {
  test('resolves via GET member once, then from cache; state updates need no request', async () => {
    const client = fakeClient({ a1: agent });
    const dir = new MemberDirectory(client, creds);
    assert.equal(dir.peek('a1'), undefined);
    const p = await dir.resolve('a1', { signal: new AbortController().signal });
    assert.deepEqual(p, {
      id: 'a1',
      role: 'AGENT',
      displayName: 'Grace',
      avatarImageUrl: 'https://img/g.png',
      state: 'ALERTING',
    });
    dir.noteState('a1', 'CONNECTED');
    assert.equal((await dir.resolve('a1', { signal: new AbortController().signal })).state, 'CONNECTED');
    assert.deepEqual(client.calls, ['a1']);
    await dir.resolve('a1', { signal: new AbortController().signal, refresh: true });
    assert.deepEqual(client.calls, ['a1', 'a1']);
    dir.noteState('unknown', 'CONNECTED');
    assert.equal(dir.peek('unknown'), undefined);
  });

  test('concurrent resolves share one request; failures are not cached', async () => {
    const client = fakeClient({ a1: agent });
    const dir = new MemberDirectory(client, creds);
    client.gate();
    const s = new AbortController().signal;
    const both = Promise.all([dir.resolve('a1', { signal: s }), dir.resolve('a1', { signal: s })]);
    client.release();
    const [x, y] = await both;
    assert.equal(x, y);
    assert.deepEqual(client.calls, ['a1']);
    await assert.rejects(dir.resolve('nope', { signal: s }), GenesysApiError);
    await assert.rejects(dir.resolve('nope', { signal: s }), GenesysApiError);
    assert.deepEqual(client.calls, ['a1', 'nope', 'nope']);
  });

  test('a second caller survives the first caller aborting the shared request', async () => {
    const client = fakeClient({ a1: agent });
    const dir = new MemberDirectory(client, creds);
    client.gate();
    const first = new AbortController();
    const p1 = dir.resolve('a1', { signal: first.signal });
    const p2 = dir.resolve('a1', { signal: new AbortController().signal });
    first.abort();
    await assert.rejects(p1, GenesysAbortedError);
    await new Promise((r) => setImmediate(r));
    client.release();
    assert.equal((await p2).displayName, 'Grace');
    assert.deepEqual(client.calls, ['a1', 'a1']);
  });

  test('remember() seeds the cache from a members page', async () => {
    const client = fakeClient({});
    const dir = new MemberDirectory(client, creds);
    dir.remember({ id: 'w', role: 'WORKFLOW', state: 'CONNECTED' });
    assert.equal((await dir.resolve('w', { signal: new AbortController().signal })).role, 'WORKFLOW');
    assert.deepEqual(client.calls, []);
  });
});

describe('MemberStateTracker', () => {
  test('duplicates are reported unchanged; real changes report the previous state', () => {
    const t = new MemberStateTracker();
    assert.deepEqual(t.apply('a', 'ALERTING'), {
      changed: true,
      stale: false,
      previous: undefined,
      current: 'ALERTING',
    });
    assert.deepEqual(t.apply('a', 'CONNECTED'), {
      changed: true,
      stale: false,
      previous: 'ALERTING',
      current: 'CONNECTED',
    });
    assert.deepEqual(t.apply('a', 'CONNECTED'), {
      changed: false,
      stale: false,
      previous: 'CONNECTED',
      current: 'CONNECTED',
    });
    assert.equal(t.get('a'), 'CONNECTED');
    assert.equal(t.get('b'), undefined);
  });

  test('older events (by timestamp) are stale and not applied', () => {
    const t = new MemberStateTracker();
    t.apply('a', 'CONNECTED', '2020-01-01T00:00:02.000Z');
    assert.deepEqual(t.apply('a', 'ALERTING', '2020-01-01T00:00:01.000Z'), {
      changed: false,
      stale: true,
      previous: 'CONNECTED',
      current: 'CONNECTED',
    });
    assert.equal(t.apply('a', 'DISCONNECTED', '2020-01-01T00:00:03.000Z').changed, true);
    assert.equal(t.apply('a', 'CONNECTED').changed, true, 'no timestamp: applied');
    t.apply('b', 'DISCONNECTED');
    assert.deepEqual(t.membersIn('CONNECTED'), ['a']);
    assert.deepEqual(t.membersIn('DISCONNECTED'), ['b']);
  });
});
