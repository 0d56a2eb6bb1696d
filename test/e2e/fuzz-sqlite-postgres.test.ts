// The fuzzer against the real gateway — HTTP on 127.0.0.1, the emulator, a webhook receiver — on
// SQLite and on PostgreSQL: a few thousand seeded requests over every /v1 route, a few hundred garbled
// frames on a live guest-chat event stream (the emulator's `raw-frames` fault) and garbled Open
// Messaging webhooks (signed and not), while two tracked handovers (guest chat, Open Messaging) carry
// real traffic both ways. It fails on any 5xx, a hang (every request has a deadline), a crash (the
// gateway runs in this process) or a lost message: every customer message answered 202 must reach the
// agent (or be listed undelivered when a fuzzed /end closed its handover first), every agent message
// must reach the bot's webhook, in order. It prints its seed: FUZZ_SEED=<n> reproduces a run.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import { FUZZ_QUERIES, FuzzCases, V1_ROUTES, encodeSegment, fuzzSeed } from '../support/fuzz-cases.ts';
import {
  API_KEY,
  OM_ENDPOINT,
  OM_WEBHOOK_SECRET,
  startHarness,
  type Harness,
} from '../support/gateway-harness.ts';
import { SAFE_STRINGS } from '../support/nasty-strings.ts';
import { waitFor } from '../support/wait-for.ts';

const seed = fuzzSeed();
console.log(`fuzz seed=${seed} (FUZZ_SEED=${seed} reproduces this run)`);

const REQUESTS = 2_000;
/** Every this many requests: real traffic on the tracked handovers, garbled frames and webhooks. */
const ROUND = 100;
const FRAMES_PER_ROUND = 15;
const WEBHOOKS_PER_ROUND = 10;
/** A request that takes longer is a hang. */
const DEADLINE_MS = 15_000;

/** Hostile but legal texts for the tracked handovers' real traffic. */
const SAFE = Object.values(SAFE_STRINGS);

const agentTexts = (events: HandoverEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'handover.agent_message' ? [e.data.text] : []));

interface Tracked {
  readonly id: string;
  readonly conversationId: string;
  /** Customer texts answered 202, in order. */
  readonly accepted: string[];
  /** Agent texts the emulator took, in order. */
  readonly agentSent: string[];
}

const stores = [
  { name: 'SQLite', store: undefined },
  { name: 'PostgreSQL', store: 'postgres' },
] as const;

for (const { name, store } of stores) {
  void describe(`fuzzing the gateway on ${name}`, () => {
    let harness: Harness | undefined;
    const schema = `gh_fuzz_${randomBytes(4).toString('hex')}`;
    const url = process.env.DATABASE_URL;
    const config = {
      limits: { requestsPerSecond: 100_000, openHandovers: 100_000, sseStreams: 100_000 },
      genesys: { requestsPerSecond: null },
    };
    before(async () => {
      if (store === 'postgres') {
        assert.ok(url, 'DATABASE_URL is not set: run this through `npm test`, which starts PostgreSQL');
        harness = await startHarness({ store: { kind: 'postgres', url, schema }, config });
      } else {
        harness = await startHarness({ config });
      }
    });
    after(async () => {
      await harness?.close();
      if (store === 'postgres') {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      }
    });

    /** One HTTP exchange with a deadline: a hang fails the test. */
    const gw = (): Harness => {
      assert.ok(harness, 'the harness did not start');
      return harness;
    };

    async function send(
      target: string,
      init: { method: string; headers: Record<string, string>; body?: string },
    ): Promise<{ status: number; text: string }> {
      const res = await fetch(target, { ...init, signal: AbortSignal.timeout(DEADLINE_MS) });
      return { status: res.status, text: await res.text() };
    }

    async function tracked(endpoint: string, displayName: string): Promise<Tracked> {
      const h = gw();
      const started = await h.api('POST', '/v1/handovers', {
        endpoint,
        customer: { userId: `u-${displayName}`, sessionId: 's', displayName },
      });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      const id = started.body.id as string;
      await h.webhookEvents(id, (es) => es.some((e) => e.type === 'handover.queued'));
      const conv = await h.conversationFor(displayName);
      await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, { displayName: 'Ana' });
      await h.webhookEvents(id, (es) => es.some((e) => e.type === 'handover.agent_joined'));
      return { id, conversationId: conv.id as string, accepted: [], agentSent: [] };
    }

    test(`${REQUESTS} requests on every /v1 route, garbled frames and webhooks: no 5xx, no hang, nothing lost`, async () => {
      const h = gw();
      const cases = new FuzzCases(seed + (store === 'postgres' ? 1 : 0), 'support');
      const { rnd } = cases;
      const gc = await tracked('support', `Fuzz GC ${name}`);
      const om = await tracked(OM_ENDPOINT, `Fuzz OM ${name}`);
      // The fuzzer's own handover: fuzzed messages, typing, presence and ends land on it.
      const victim = await h.api('POST', '/v1/handovers', {
        endpoint: 'support',
        customer: { userId: `victim-${name}`, sessionId: 's' },
      });
      const victimId = victim.body.id as string;
      const ids = [victimId, '00000000-0000-4000-8000-000000000000', 'not-a-uuid', '%00', 'x'.repeat(40)];
      const victimAccepted: string[] = [];
      const statuses = new Map<number, number>();
      const fail = (what: string, status: number, body: string): never =>
        assert.fail(`FUZZ_SEED=${seed} ${name}: ${what} → ${status} ${body.slice(0, 500)}`);
      let frames = 0;
      let webhooks = 0;

      for (let i = 0; i < REQUESTS; i += 1) {
        const [method, path] = cases.pick(V1_ROUTES);
        const target =
          path.replace(':id', encodeSegment(cases.pick(ids))) +
          (method === 'GET' ? cases.pick(FUZZ_QUERIES) : '');
        const payload = method === 'POST' ? cases.body() : undefined;
        const headers: Record<string, string> = {};
        if (rnd() < 0.95) headers.authorization = `Bearer ${rnd() < 0.97 ? API_KEY : 'wrong'}`;
        if (payload !== undefined)
          headers['content-type'] = cases.pick(['application/json', 'application/json', 'text/plain']);
        if (rnd() < 0.1) headers['idempotency-key'] = cases.pick(['k1', 'k2', ' ', 'x'.repeat(300)]);
        const res = await send(`${h.gateway.url}${target}`, {
          method,
          headers,
          ...(payload === undefined ? {} : { body: payload }),
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) fail(`#${i} ${method} ${target} ${payload ?? ''}`, res.status, res.text);
        if (res.status === 202 && target === `/v1/handovers/${victimId}/messages` && payload !== undefined) {
          const idem = headers['idempotency-key'];
          const text = (JSON.parse(payload) as { text: string }).text;
          // A repeated Idempotency-Key answers the first request's parts: the text is not new.
          if (idem === undefined || !victimAccepted.includes(text)) victimAccepted.push(text);
        }

        if (i % ROUND !== ROUND - 1) continue;
        // Real traffic both ways on the tracked handovers.
        for (const t of [gc, om]) {
          const text = `customer ${i} ${cases.pick(SAFE).slice(0, 200).trim() || 'x'}`;
          const sent = await h.api('POST', `/v1/handovers/${t.id}/messages`, { text });
          if (sent.status !== 202)
            fail(`customer message on ${t.id}`, sent.status, JSON.stringify(sent.body));
          t.accepted.push(text);
          const agent = `agent ${i}`;
          const said = await h.emu('POST', `/emulator/v1/conversations/${t.conversationId}/agent/messages`, {
            body: agent,
          });
          assert.ok(said.status < 300, JSON.stringify(said.body));
          t.agentSent.push(agent);
        }
        // Garbled frames on the live guest-chat stream.
        const batch = Array.from({ length: FRAMES_PER_ROUND }, () => cases.frame(gc.conversationId));
        const injected = await h.emu('POST', '/emulator/v1/faults', {
          kind: 'raw-frames',
          conversationId: gc.conversationId,
          frames: batch,
        });
        assert.equal(injected.status, 200, JSON.stringify(injected.body));
        frames += batch.length;
        // Garbled Open Messaging webhooks, most of them signed.
        for (let w = 0; w < WEBHOOKS_PER_ROUND; w += 1) {
          const body = cases.webhook();
          const signature =
            rnd() < 0.8
              ? `sha256=${createHmac('sha256', OM_WEBHOOK_SECRET).update(body).digest('base64')}`
              : cases.pick(['sha256=AAAA', '', 'x']);
          const hook = await send(`${h.gateway.url}/genesys/open-messaging/${OM_ENDPOINT}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
            body,
          });
          webhooks += 1;
          if (hook.status >= 500 && !(hook.status === 503 && hook.text.includes('NOT_COMMITTED')))
            fail(`webhook ${body.slice(0, 200)}`, hook.status, hook.text);
        }
      }
      console.log(
        `fuzz seed=${seed} ${name}: requests=${REQUESTS} frames=${frames} webhooks=${webhooks} statuses=${JSON.stringify(Object.fromEntries(statuses))}`,
      );

      // Nothing lost on the tracked handovers: the agent got every accepted message, the bot every
      // agent message, each in order.
      for (const t of [gc, om]) {
        const events = await waitFor(
          () => {
            const es = h.receiver.events(t.id);
            return agentTexts(es).length >= t.agentSent.length ? es : undefined;
          },
          { what: `every agent message of ${t.id}`, timeoutMs: 30_000 },
        );
        assert.deepEqual(agentTexts(events), t.agentSent, `FUZZ_SEED=${seed} ${name}: agent → bot`);
        const atAgent = await waitFor(
          async () => {
            const conv = (await h.emu('GET', `/emulator/v1/conversations/${t.conversationId}`)).body as {
              messages: { body: string }[];
            };
            const bodies = conv.messages.map((m) => m.body).filter((b) => t.accepted.includes(b));
            return bodies.length >= t.accepted.length ? bodies : undefined;
          },
          { what: `every customer message of ${t.id} at the agent`, timeoutMs: 30_000 },
        );
        assert.deepEqual(atAgent, t.accepted, `FUZZ_SEED=${seed} ${name}: bot → agent`);
      }
      // The fuzzer's handover: each accepted message is sent, or listed undelivered when a fuzzed
      // /end closed the handover first — never silently gone.
      const settled = await waitFor(
        async () => {
          const items = (await h.api('GET', `/v1/handovers/${victimId}/transcript`)).body.items as {
            role: string;
            text: string;
            delivery?: string;
          }[];
          const customer = items.filter((l) => l.role === 'customer');
          return customer.some((l) => l.delivery === 'pending') ? undefined : customer;
        },
        { what: 'every accepted message of the fuzzed handover settled', timeoutMs: 30_000 },
      );
      for (const text of victimAccepted)
        assert.ok(
          settled.some((l) => l.text.includes(text.trim().slice(0, 50))),
          `FUZZ_SEED=${seed} ${name}: accepted message missing from the transcript`,
        );
      // The gateway is alive and still works.
      assert.equal((await send(`${h.gateway.url}/healthz`, { method: 'GET', headers: {} })).status, 200);
      const again = await h.api('POST', '/v1/handovers', {
        endpoint: 'support',
        customer: { userId: `after-fuzz-${name}`, sessionId: 's' },
      });
      assert.ok(again.status === 201 || again.status === 200, JSON.stringify(again.body));
    });
  });
}
