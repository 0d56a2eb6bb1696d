// followHandoverEvents against a scripted event source (unit test of the follower's logic; the
// client against a real gateway is test/client/gateway-client.test.ts): Last-Event-ID resume,
// duplicate suppression after a restart from the beginning, invalid frames skipped, 204, abort.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { followHandoverEvents, type HandoverEvent } from '../../src/client/index.ts';

const H = '2b1f6a9e-0000-4000-8000-000000000001';

function event(seq: number, type: string, data: unknown): string {
  const e = {
    id: `evt-${seq}`,
    type,
    handoverId: H,
    endpointId: 'demo',
    userId: 'u',
    sessionId: 's',
    seq,
    occurredAt: new Date(0).toISOString(),
    timestamp: new Date(0).toISOString(),
    data,
  };
  return `id: ${e.id}\nevent: ${type}\ndata: ${JSON.stringify(e)}\n\n`;
}

const queued = (seq: number) => event(seq, 'handover.queued', { queue: 'Support' });
const message = (seq: number, text: string) =>
  event(seq, 'handover.agent_message', {
    messageId: `m${seq}`,
    text,
    agent: { id: 'a1', displayName: 'Alice' },
  });
const ended = (seq: number) => event(seq, 'handover.ended', { reason: 'agent_ended' });

/** A stream that delivers `chunks` (split every `step` bytes, like TCP does) and then ends. */
function sse(chunks: string[], status = 200, step = 37): Response {
  const bytes = new TextEncoder().encode(chunks.join(''));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += step) controller.enqueue(bytes.slice(i, i + step));
      controller.close();
    },
  });
  return new Response(status === 204 ? null : body, { status });
}

class ScriptedGateway {
  readonly calls: (string | undefined)[] = [];
  constructor(private readonly script: (Response | Error)[]) {}
  openEvents(_id: string, lastEventId: string | undefined): Promise<Response> {
    this.calls.push(lastEventId);
    const next = this.script.shift();
    if (!next) return new Promise(() => undefined); // hangs like an idle stream
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }
}

describe('followHandoverEvents', () => {
  test('resumes after a drop with Last-Event-ID and hands each event over once, in order', async () => {
    const gateway = new ScriptedGateway([
      sse(['retry: 3000\n\n', queued(1), ': keep-alive\n\n', message(2, 'one')]),
      new Error('ECONNRESET'),
      // The gateway did not know the id and restarted from the beginning: 1 and 2 again.
      sse([queued(1), message(2, 'one'), message(3, 'two'), ended(4), message(5, 'never read')]),
    ]);
    const seen: HandoverEvent[] = [];
    const drops: unknown[] = [];
    const result = await followHandoverEvents(gateway, {
      handoverId: H,
      signal: new AbortController().signal,
      retryMs: 1,
      onEvent: (e) => void seen.push(e),
      onDisconnect: (err) => drops.push(err),
    });
    assert.equal(result, 'finished');
    assert.deepEqual(
      seen.map((e) => e.seq),
      [1, 2, 3, 4],
    );
    assert.deepEqual(gateway.calls, [undefined, 'evt-2', 'evt-2']);
    assert.equal(drops.length, 2, 'the stream that ended early and the reset connection');
  });

  test('a frame that breaks the contract is reported and skipped; following goes on', async () => {
    const bad = `id: evt-2\nevent: handover.agent_message\ndata: {"id":"evt-2","type":"handover.agent_message","seq":2,"data":{}}\n\n`;
    const gateway = new ScriptedGateway([
      sse([queued(1), bad, 'data: not json\n\n', message(3, 'ok'), ended(4)]),
    ]);
    const seen: number[] = [];
    const invalid: string[] = [];
    const result = await followHandoverEvents(gateway, {
      handoverId: H,
      signal: new AbortController().signal,
      onEvent: (e) => void seen.push(e.seq),
      onInvalid: (reason) => invalid.push(reason),
    });
    assert.equal(result, 'finished');
    assert.deepEqual(seen, [1, 3, 4]);
    assert.equal(invalid.length, 2);
  });

  test('204 (the handover is over) finishes; aborting while idle returns "aborted" at once', async () => {
    const done = await followHandoverEvents(new ScriptedGateway([sse([], 204)]), {
      handoverId: H,
      signal: new AbortController().signal,
      onEvent: () => assert.fail('no event expected'),
    });
    assert.equal(done, 'finished');

    const abort = new AbortController();
    const following = followHandoverEvents(new ScriptedGateway([new Error('refused')]), {
      handoverId: H,
      signal: abort.signal,
      retryMs: 60_000,
      onEvent: () => undefined,
    });
    setTimeout(() => abort.abort(), 20);
    const started = Date.now();
    assert.equal(await following, 'aborted');
    assert.ok(Date.now() - started < 1000, 'did not sit out the retry delay');
  });
});

test('CRLF line ends (also split between chunks), comments and a multi-byte character split between chunks', async () => {
  const crlf = (frame: string) => frame.replace(/\n/g, '\r\n');
  const text = [crlf(': c\n\n'), crlf(message(1, 'héllo — ✓')), crlf(ended(2))].join('');
  // Every chunk size, so each CR/LF pair and each UTF-8 sequence is split at every possible place.
  for (let step = 1; step <= 40; step++) {
    const seen: HandoverEvent[] = [];
    const result = await followHandoverEvents(new ScriptedGateway([sse([text], 200, step)]), {
      handoverId: H,
      signal: new AbortController().signal,
      onEvent: (e) => void seen.push(e),
      onInvalid: (reason) => assert.fail(reason),
    });
    assert.equal(result, 'finished');
    assert.deepEqual(
      seen.map((e) => (e.type === 'handover.agent_message' ? e.data.text : e.type)),
      ['héllo — ✓', 'handover.ended'],
      `chunks of ${step} bytes`,
    );
  }
});
