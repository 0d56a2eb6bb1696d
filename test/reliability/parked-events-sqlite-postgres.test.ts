// A provider event that fails to commit for ever is parked, never dropped, and does not hold up its
// handover: on SQLite and on PostgreSQL, with a store wrapper that refuses one agent message every
// time (src/store/faults/store-faults.ts). The messages around it reach the bot in order, the parked
// one is in the store with its text, the log names ids and codes only, and the metric counts it. A
// store outage, by contrast, parks nothing: once the store is back every message arrives.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { pino } from 'pino';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import type { ParkedEvent, Store } from '../../src/core/ports/store/index.ts';
import { StoreFaults } from '../../src/store/faults/store-faults.ts';
import { API_KEY, OM_ENDPOINT, startHarness, type Harness } from '../support/gateway-harness.ts';
import { sleep } from '../support/sleep.ts';
import { waitFor } from '../support/wait-for.ts';

const CLI = new URL('../../scripts/cli-from-source.mjs', import.meta.url).pathname;
const POISON = 'poison-forever: the store refuses this one';

const agentTexts = (events: HandoverEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'handover.agent_message' ? [e.data.text] : []));

const stores = [
  { name: 'SQLite', store: undefined },
  { name: 'PostgreSQL', store: 'postgres' },
] as const;

for (const { name, store } of stores) {
  void describe(`parked provider events on ${name}`, () => {
    let h: Harness;
    let inner: Store | undefined;
    const faults = new StoreFaults();
    const logs: string[] = [];
    const schema = `gh_parked_${randomBytes(4).toString('hex')}`;
    const url = process.env.DATABASE_URL;
    before(async () => {
      const logger = pino(
        { level: 'info' },
        new Writable({
          write(chunk: Buffer, _enc, done) {
            logs.push(chunk.toString());
            done();
          },
        }),
      );
      const tuning = {
        wrapStore: (s: Store) => {
          inner = s;
          return faults.wrap(s);
        },
      };
      if (store === 'postgres') {
        assert.ok(url, 'DATABASE_URL is not set: run this through `npm test`, which starts PostgreSQL');
        h = await startHarness({ store: { kind: 'postgres', url, schema }, tuning, logger });
      } else {
        h = await startHarness({ tuning, logger });
      }
    });
    after(async () => {
      await h.close();
      if (store === 'postgres') {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      }
    });

    async function activeHandover(endpoint: string, displayName: string): Promise<{ id: string; conv: any }> {
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
      return { id, conv };
    }

    /** `genesys-handover parked-events` on this store. */
    // Asynchronous: the gateway and the emulator run in this process and must keep answering.
    const parkedCli = async (args: string[]): Promise<string> => {
      const target =
        store === 'postgres'
          ? { flag: url!, env: { GH__store__schema: schema } }
          : { flag: join(h.dataDir, 'gateway.db'), env: {} };
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [CLI, 'parked-events', '--store', target.flag, ...args],
        { encoding: 'utf8', env: { ...process.env, ...target.env } },
      );
      return stdout;
    };

    const agentSays = async (conv: { id: string }, body: string) => {
      const res = await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/messages`, { body });
      assert.ok(res.status < 300, JSON.stringify(res.body));
    };

    for (const endpoint of ['support', OM_ENDPOINT]) {
      test(`${endpoint}: a message the store refuses every time is parked; the ones around it arrive in order`, async () => {
        const { id, conv } = await activeHandover(endpoint, `Parked ${endpoint} ${name}`);
        faults.refuseCommits((change) => change.transcript?.some((l) => l.text === POISON) ?? false);
        const refusedBefore = faults.refused;
        try {
          for (const body of ['before', POISON, 'after']) await agentSays(conv, body);
          const events = await h.webhookEvents(id, (es) => agentTexts(es).includes('after'), 'after');
          assert.deepEqual(agentTexts(events), ['before', 'after']);
          assert.ok(faults.refused >= refusedBefore + 5, `the commit was retried: ${faults.refused}`);
        } finally {
          faults.clear();
        }
        // Parked in the store: the whole event, with the error's code.
        const parked = (await inner!.parked.list(100)).filter((p: ParkedEvent) => p.handoverId === id);
        assert.equal(parked.length, 1);
        assert.equal(parked[0]!.eventType, 'message');
        assert.equal(parked[0]!.errorCode, 'StoreFaultError:POISON');
        assert.equal((JSON.parse(parked[0]!.payload) as { text: string }).text, POISON);
        // The handover goes on: a later message arrives after the others.
        await agentSays(conv, 'later');
        const later = await h.webhookEvents(id, (es) => agentTexts(es).includes('later'), 'later');
        assert.deepEqual(agentTexts(later), ['before', 'after', 'later']);
        // Reported: a log line with ids and codes (never the text), and the metric.
        const line = logs.find((l) => l.includes('parked') && l.includes(id));
        assert.ok(line, 'the parking is logged');
        assert.match(line, /StoreFaultError:POISON/);
        assert.ok(!logs.some((l) => l.includes('poison-forever')), 'no message text in the log');
        const metrics = await fetch(`${h.gateway.url}/metrics`, {
          headers: { authorization: `Bearer ${API_KEY}` },
        }).then((r) => r.text());
        assert.match(metrics, /genesys_handover_parked_provider_events_total\{type="message"\} [1-9]/);
        // Listed by the CLI, the text only when asked for.
        const listed = await parkedCli(['--json']);
        assert.ok(listed.includes(id) && !listed.includes('poison-forever'), listed);
        assert.ok((await parkedCli(['--json', '--with-payload'])).includes('poison-forever'));
        await h.api('POST', `/v1/handovers/${id}/end`);
      });
    }

    test('a store outage parks nothing: when the store is back, every message arrives in order', async () => {
      const { id, conv } = await activeHandover('support', `Outage ${name}`);
      const parkedBefore = (await inner!.parked.list(1000)).length;
      faults.outage();
      try {
        for (const body of ['during 1', 'during 2']) await agentSays(conv, body);
        // Longer than the parking's retries (FAST_ENGINE: 5 attempts, 20 ms doubling).
        await sleep(1_500);
      } finally {
        faults.restore();
      }
      await agentSays(conv, 'after the outage');
      const events = await waitFor(
        () => {
          const es = h.receiver.events(id);
          return agentTexts(es).includes('after the outage') ? es : undefined;
        },
        { what: 'every message after the outage', timeoutMs: 20_000 },
      );
      assert.deepEqual(agentTexts(events), ['during 1', 'during 2', 'after the outage']);
      assert.equal((await inner!.parked.list(1000)).length, parkedBefore);
      await h.api('POST', `/v1/handovers/${id}/end`);
    });
  });
}
