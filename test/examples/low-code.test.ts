// examples/low-code/handover.http: the copy-paste request blocks, parsed as written and executed in
// order against the real gateway (emulator as Genesys) — what a Cognigy HTTP Request node sends.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { API_KEY, startHarness, type Harness } from '../support/gateway-harness.ts';

interface Block {
  readonly title: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** The .http format: `### title`, a request line, headers, a blank line, an optional body. */
function parseBlocks(text: string): Block[] {
  return text
    .split(/^### /m)
    .slice(1)
    .map((chunk) => {
      const [title = '', ...rest] = chunk.split('\n');
      const lines = rest.filter((l) => !l.startsWith('#'));
      const blank = lines.findIndex((l, i) => i > 0 && l.trim() === '');
      const head = blank < 0 ? lines : lines.slice(0, blank);
      const body =
        blank < 0
          ? ''
          : lines
              .slice(blank + 1)
              .join('\n')
              .trim();
      const [method = '', url = ''] = (head[0] ?? '').split(' ');
      const headers = Object.fromEntries(
        head
          .slice(1)
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      return { title, method, url, headers, ...(body ? { body } : {}) };
    });
}

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

test('the request blocks run in order: start, message, typing, status, end, transcript', async () => {
  const blocks = parseBlocks(
    readFileSync(new URL('../../examples/low-code/handover.http', import.meta.url), 'utf8'),
  );
  assert.equal(blocks.length, 6);
  const vars: Record<string, string> = {
    gateway: h.gateway.url,
    apiKey: API_KEY,
    userId: 'lc-user',
    sessionId: 'lc-session',
    displayName: 'Lou Lowcode',
    text: 'My parcel is lost',
    messageNumber: '1',
  };
  const fill = (s: string) =>
    s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k] ?? assert.fail(`no value for ${k}`));
  const answers: { status: number; body: any }[] = [];
  for (const block of blocks) {
    const res = await fetch(fill(block.url), {
      method: block.method,
      headers: Object.fromEntries(Object.entries(block.headers).map(([k, v]) => [k, fill(v)])),
      ...(block.body ? { body: fill(block.body) } : {}),
    });
    const text = await res.text();
    answers.push({ status: res.status, body: text ? JSON.parse(text) : undefined });
    if (answers.length === 1) vars.handoverId = answers[0]!.body.id;
    if (answers.length === 2) {
      // A platform retry of the same message (same Idempotency-Key) is stored once.
      const again = await fetch(fill(block.url), {
        method: block.method,
        headers: Object.fromEntries(Object.entries(block.headers).map(([k, v]) => [k, fill(v)])),
        body: fill(block.body!),
      });
      assert.deepEqual(await again.json(), answers[1]!.body);
    }
  }
  assert.deepEqual(
    answers.map((a) => a.status),
    [201, 202, 202, 200, answers[4]!.status === 202 ? 202 : 200, 200],
    JSON.stringify(answers),
  );
  assert.equal(answers[3]!.body.customer.displayName, 'Lou Lowcode');
  const transcript = answers[5]!.body.items as { role: string; text: string }[];
  assert.deepEqual(
    transcript.filter((t) => t.role === 'customer').map((t) => t.text),
    ['I need a person', 'My parcel is lost'],
  );
});
