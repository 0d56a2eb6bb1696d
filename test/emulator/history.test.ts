// §5.5 history paging across more than 100 messages, both sort orders, next/previousPage links, and
// §5.3 members paging.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { pageHistory } from '../../src/emulator/history.ts';
import type { ChatMessage } from '../../src/emulator/model.ts';
import {
  agentApi,
  attachedChat,
  GUEST,
  http,
  startTestEmulator,
  type CreatedChat,
  type StreamClient,
} from './helpers.ts';

interface Page {
  pageSize: number;
  entities: { id: string; body: string; bodyType: string }[];
  next?: string;
  previousPage?: string;
  selfUri: string;
}

let emulator: RunningEmulator;
let chat: CreatedChat;
let stream: StreamClient;
const bodies: string[] = [];

before(async () => {
  emulator = await startTestEmulator();
  ({ chat, stream } = await attachedChat(emulator));
  for (let i = 0; i < 230; i += 1) {
    const body = `m${i}`;
    const sent = await http(emulator, 'POST', `${GUEST}/${chat.id}/members/${chat.member.id}/messages`, {
      jwt: chat.jwt,
      body: { body },
    });
    assert.equal(sent.status, 200);
    bodies.push(body);
  }
});
after(async () => {
  await stream.close();
  await emulator.close();
});

async function page(path: string): Promise<Page> {
  const result = await http(emulator, 'GET', path, { jwt: chat.jwt });
  assert.equal(result.status, 200, result.text);
  return result.body as Page;
}

test('ascending: following `next` from the start yields every message exactly once, in order, ≤ 100 per page', async () => {
  const seen: string[] = [];
  let path: string | undefined = `${GUEST}/${chat.id}/messages`;
  let pages = 0;
  while (path !== undefined) {
    const current = await page(path);
    assert.ok(current.entities.length <= 100);
    assert.equal(current.pageSize, 100);
    seen.push(...current.entities.map((m) => (m.bodyType === 'standard' ? m.body : `<${m.bodyType}>`)));
    if (pages === 0) assert.equal(current.previousPage, undefined);
    path = current.next;
    pages += 1;
  }
  assert.equal(pages, 3);
  assert.deepEqual(seen, ['<member-join>', ...bodies]);
});

test('descending: newest first, `next` goes back in time, `previousPage` forward', async () => {
  const first = await page(`${GUEST}/${chat.id}/messages?sortOrder=descending&maxResults=50`);
  assert.deepEqual(
    first.entities.map((m) => m.body),
    bodies.slice(-50).reverse(),
  );
  assert.equal(first.previousPage, undefined);
  assert.ok(first.next);
  const second = await page(first.next);
  assert.deepEqual(
    second.entities.map((m) => m.body),
    bodies.slice(-100, -50).reverse(),
  );
  assert.ok(second.previousPage);
  const back = await page(second.previousPage);
  assert.deepEqual(
    back.entities.map((m) => m.body),
    first.entities.map((m) => m.body),
  );
});

test('after= returns what followed a message; before= the page just before it; links are root-relative', async () => {
  const all = await page(`${GUEST}/${chat.id}/messages?sortOrder=descending&maxResults=100`);
  const anchor = all.entities.find((m) => m.body === 'm200')!;
  const afterAnchor = await page(`${GUEST}/${chat.id}/messages?after=${anchor.id}`);
  assert.deepEqual(
    afterAnchor.entities.map((m) => m.body),
    bodies.slice(201),
  );
  assert.equal(afterAnchor.next, undefined);
  assert.equal(
    afterAnchor.previousPage,
    `${GUEST}/${chat.id}/messages?before=${afterAnchor.entities[0]!.id}&sortOrder=ascending&maxResults=100`,
  );
  const beforeAnchor = await page(`${GUEST}/${chat.id}/messages?before=${anchor.id}&maxResults=3`);
  assert.deepEqual(
    beforeAnchor.entities.map((m) => m.body),
    ['m197', 'm198', 'm199'],
  );
  assert.equal(
    beforeAnchor.next,
    `${GUEST}/${chat.id}/messages?after=${beforeAnchor.entities[2]!.id}&sortOrder=ascending&maxResults=3`,
  );
});

test('pageHistory: empty history and windows bounded on both sides', () => {
  const empty = pageHistory([], '/x', { sortOrder: 'ascending', maxResults: 10 });
  assert.deepEqual(empty, {
    ok: true,
    page: { entities: [], selfUri: '/x?sortOrder=ascending&maxResults=10' },
  });
  const messages: ChatMessage[] = ['a', 'b', 'c', 'd', 'e'].map((id) => ({
    id,
    senderId: 's',
    body: id,
    bodyType: 'standard',
    timestamp: '',
  }));
  const between = pageHistory(messages, '/x', {
    after: 'a',
    before: 'e',
    sortOrder: 'descending',
    maxResults: 2,
  });
  assert.ok(between.ok);
  assert.deepEqual(
    between.page.entities.map((m) => m.id),
    ['d', 'c'],
  );
  assert.equal(between.page.next, '/x?before=c&sortOrder=descending&maxResults=2');
  assert.equal(between.page.previousPage, '/x?after=d&sortOrder=descending&maxResults=2');
  assert.deepEqual(pageHistory(messages, '/x', { after: 'zz', sortOrder: 'ascending', maxResults: 2 }), {
    ok: false,
    badParam: 'after',
  });
});

test('members paging: full envelope, page links, excludeDisconnectedMembers', async () => {
  const { chat: small, stream: s2 } = await attachedChat(emulator);
  await agentApi(emulator, 'POST', `/conversations/${small.id}/agent/join`, { displayName: 'Alice Moreau' });
  await agentApi(emulator, 'POST', `/conversations/${small.id}/transfer`, { displayName: 'Bruno Schmidt' });
  // customer, ACD (disconnected), Alice (disconnected), Bruno.
  const base = `${GUEST}/${small.id}/members`;
  const result = await http(emulator, 'GET', `${base}?pageSize=1&pageNumber=2`, { jwt: small.jwt });
  const body = result.body as Record<string, unknown> & { entities: { role: string; state: string }[] };
  assert.deepEqual(
    { ...body, entities: body.entities.map((m) => `${m.role}:${m.state}`) },
    {
      entities: ['ACD:DISCONNECTED'],
      pageSize: 1,
      pageNumber: 2,
      total: 4,
      pageCount: 4,
      firstUri: `${base}?pageSize=1&pageNumber=1`,
      selfUri: `${base}?pageSize=1&pageNumber=2`,
      lastUri: `${base}?pageSize=1&pageNumber=4`,
      nextUri: `${base}?pageSize=1&pageNumber=3`,
      previousUri: `${base}?pageSize=1&pageNumber=1`,
    },
  );
  const connected = await http(emulator, 'GET', `${base}?excludeDisconnectedMembers=true`, {
    jwt: small.jwt,
  });
  const list = connected.body as { total: number; entities: { displayName: string }[]; selfUri: string };
  assert.equal(list.total, 2);
  assert.deepEqual(
    list.entities.map((m) => m.displayName),
    ['Jo Guest', 'Bruno Schmidt'],
  );
  assert.equal(list.selfUri, `${base}?pageSize=25&pageNumber=1&excludeDisconnectedMembers=true`);
  const beyond = await http(emulator, 'GET', `${base}?pageNumber=9`, { jwt: small.jwt });
  assert.deepEqual((beyond.body as { entities: unknown[] }).entities, []);
  await s2.close();
});
