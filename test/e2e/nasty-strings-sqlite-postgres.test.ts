// Every string safe in every store, end to end, on SQLite and on PostgreSQL: an agent's message with
// a NUL or a lone surrogate reaches the bot (U+FFFD in its place) between the messages around it, on
// both Genesys paths; the bot API refuses such strings in every field with 400 VALIDATION_FAILED and
// stores nothing; hostile-but-legal strings travel both ways unchanged.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { HandoverEvent } from '../../src/core/model/events.ts';
import { OM_ENDPOINT, startHarness, type Harness } from '../support/gateway-harness.ts';
import { SAFE_STRINGS, UNSAFE_STRINGS, replaced } from '../support/nasty-strings.ts';
import { waitFor } from '../support/wait-for.ts';

const agentTexts = (events: HandoverEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'handover.agent_message' ? [e.data.text] : []));
const hasType = (t: string) => (events: HandoverEvent[]) => events.some((e) => e.type === t);

const stores = [
  { name: 'SQLite', store: undefined },
  { name: 'PostgreSQL', store: 'postgres' },
] as const;

for (const { name, store } of stores) {
  void describe(`nasty strings end to end on ${name}`, () => {
    let h: Harness;
    const schema = `gh_nasty_${randomBytes(4).toString('hex')}`;
    const url = process.env.DATABASE_URL;
    before(async () => {
      if (store === 'postgres') {
        assert.ok(url, 'DATABASE_URL is not set: run this through `npm test`, which starts PostgreSQL');
        h = await startHarness({ store: { kind: 'postgres', url, schema } });
      } else {
        h = await startHarness();
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

    for (const endpoint of ['support', OM_ENDPOINT]) {
      test(`${endpoint}: the agent's NUL and lone-surrogate messages reach the bot, in order, nothing lost`, async () => {
        const displayName = `Nul ${endpoint} ${name}`;
        const started = await h.api('POST', '/v1/handovers', {
          endpoint,
          customer: { userId: `u-${displayName}`, sessionId: 's', displayName },
        });
        assert.equal(started.status, 201, JSON.stringify(started.body));
        const id = started.body.id as string;
        await h.webhookEvents(id, hasType('handover.queued'));
        const conv = await h.conversationFor(displayName);
        await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, { displayName: 'Ana' });
        const sent = ['before', UNSAFE_STRINGS.nul, UNSAFE_STRINGS.loneHigh, UNSAFE_STRINGS.loneLow, 'after'];
        for (const body of sent) {
          const res = await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/messages`, { body });
          assert.ok(res.status < 300, JSON.stringify(res.body));
        }
        const expected = sent.map(replaced);
        const events = await h.webhookEvents(
          id,
          (es) => agentTexts(es).length >= sent.length,
          'every agent message',
        );
        assert.deepEqual(agentTexts(events), expected);
        const transcript = await h.api('GET', `/v1/handovers/${id}/transcript`);
        assert.deepEqual(
          (transcript.body.items as { role: string; text: string }[])
            .filter((i) => i.role === 'agent')
            .map((i) => i.text),
          expected,
        );
        await h.api('POST', `/v1/handovers/${id}/end`);
      });
    }

    test('hostile but legal strings travel both ways unchanged', async () => {
      const displayName = `${SAFE_STRINGS.rtl.slice(0, 30)} ${name}`;
      const started = await h.api('POST', '/v1/handovers', {
        endpoint: 'support',
        customer: {
          userId: SAFE_STRINGS.zwjEmoji,
          sessionId: `${SAFE_STRINGS.fourByte} ${name}`,
          displayName,
        },
        settings: { customAttributes: { [SAFE_STRINGS.fourByte]: SAFE_STRINGS.zwjEmoji } },
        transcript: [{ role: 'customer', text: `earlier: ${SAFE_STRINGS.sqlish}` }],
      });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      const id = started.body.id as string;
      assert.equal(started.body.customer.userId, SAFE_STRINGS.zwjEmoji);
      assert.equal(started.body.settings.customAttributes[SAFE_STRINGS.fourByte], SAFE_STRINGS.zwjEmoji);
      await h.webhookEvents(id, hasType('handover.queued'));
      const conv = await h.conversationFor(displayName);
      await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/join`, {});
      const texts = Object.values(SAFE_STRINGS).map((s) => s.trim());
      for (const text of texts)
        assert.equal((await h.api('POST', `/v1/handovers/${id}/messages`, { text })).status, 202);
      for (const body of texts)
        await h.emu('POST', `/emulator/v1/conversations/${conv.id}/agent/messages`, { body });
      const events = await h.webhookEvents(id, (es) => agentTexts(es).length >= texts.length);
      assert.deepEqual(agentTexts(events), texts);
      const atAgent = await waitFor(async () => {
        const got = (await h.emu('GET', `/emulator/v1/conversations/${conv.id}`)).body;
        const bodies = (got.messages as { body: string }[]).map((m) => m.body);
        return texts.every((t) => bodies.includes(t)) ? bodies : undefined;
      });
      assert.ok(atAgent.includes(SAFE_STRINGS.long4000));
      const transcript = (await h.api('GET', `/v1/handovers/${id}/transcript`)).body.items as {
        role: string;
        text: string;
      }[];
      assert.deepEqual(
        transcript.filter((l) => l.role === 'customer' && texts.includes(l.text)).map((l) => l.text),
        texts,
      );
      await h.api('POST', `/v1/handovers/${id}/end`);
    });

    test('the bot API refuses NUL and lone surrogates in every field: 400 VALIDATION_FAILED, nothing stored', async () => {
      const before = (await h.api('GET', '/v1/handovers?limit=200')).body.items.length as number;
      const customer = { userId: 'u-refused', sessionId: 's', displayName: 'Refused' };
      for (const [kind, bad] of Object.entries(UNSAFE_STRINGS)) {
        const bodies: [string, unknown][] = [
          ['body.endpoint', { endpoint: `support${bad}`, customer }],
          ['body.customer.userId', { endpoint: 'support', customer: { ...customer, userId: bad } }],
          ['body.customer.sessionId', { endpoint: 'support', customer: { ...customer, sessionId: bad } }],
          ['body.customer.displayName', { endpoint: 'support', customer: { ...customer, displayName: bad } }],
          ['body.customer.firstName', { endpoint: 'support', customer: { ...customer, firstName: bad } }],
          ['body.customer.lastName', { endpoint: 'support', customer: { ...customer, lastName: bad } }],
          ['body.customer.phone', { endpoint: 'support', customer: { ...customer, phone: bad } }],
          ['body.settings.language', { endpoint: 'support', customer, settings: { language: bad } }],
          ['body.settings.skills.0', { endpoint: 'support', customer, settings: { skills: [bad] } }],
          [
            'body.settings.customAttributes',
            { endpoint: 'support', customer, settings: { customAttributes: { [bad]: 'v' } } },
          ],
          [
            'body.settings.customAttributes.k',
            { endpoint: 'support', customer, settings: { customAttributes: { k: bad } } },
          ],
          [
            'body.transcript.0.text',
            { endpoint: 'support', customer, transcript: [{ role: 'bot', text: bad }] },
          ],
        ];
        for (const [path, body] of bodies) {
          const res = await h.api('POST', '/v1/handovers', body);
          assert.equal(res.status, 400, `${kind} in ${path}: ${JSON.stringify(res.body)}`);
          assert.equal(res.body.error.code, 'VALIDATION_FAILED');
          assert.ok(
            (res.body.error.details as { path: string }[]).some((d) => d.path.startsWith(path)),
            `${kind} in ${path}: ${JSON.stringify(res.body.error.details)}`,
          );
        }
      }
      const started = await h.api('POST', '/v1/handovers', { endpoint: 'support', customer });
      assert.equal(started.status, 201);
      const id = started.body.id as string;
      for (const bad of Object.values(UNSAFE_STRINGS)) {
        for (const body of [
          { text: bad },
          { text: 'ok', attachments: [{ url: 'https://x.test/a', mime: 'image/png', filename: bad }] },
        ]) {
          const res = await h.api('POST', `/v1/handovers/${id}/messages`, body);
          assert.equal(res.status, 400, JSON.stringify(res.body));
          assert.equal(res.body.error.code, 'VALIDATION_FAILED');
        }
      }
      // Query strings and cursors: a NUL typed in, and one hidden inside a forged cursor.
      const forged = Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z\u0000', 'x']), 'utf8').toString(
        'base64url',
      );
      for (const path of [
        '/v1/handovers?endpoint=support%00',
        '/v1/handovers?cursor=%00',
        `/v1/handovers?cursor=${forged}`,
        '/v1/dead-letters?endpoint=%00',
      ]) {
        const res = await h.api('GET', path);
        assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, 'VALIDATION_FAILED');
      }
      const transcript = await h.api('GET', `/v1/handovers/${id}/transcript`);
      assert.equal(transcript.body.items.length, 0, 'refused messages left no trace');
      assert.equal((await h.api('GET', '/v1/handovers?limit=200')).body.items.length, before + 1);
      await h.api('POST', `/v1/handovers/${id}/end`);
    });
  });
}
