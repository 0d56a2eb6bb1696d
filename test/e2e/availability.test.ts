// Availability end to end (issue 17), through the real gateway and emulator on loopback: the
// availability route on an Open Messaging endpoint (Genesys schedule group + emergency group, agents
// by language and skills as they go on and off queue) and on a guest-chat endpoint with an OAuth
// client and its own hours; the refuse policies of POST /v1/handovers; the cache (many bot calls,
// one Genesys read — counted at the emulator).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OM_ENDPOINT, OTHER_KEY, startHarness, type Harness } from '../support/gateway-harness.ts';
import { waitFor } from '../support/wait-for.ts';

describe('availability end to end', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      emulator: {
        businessHours: {
          schedules: [
            {
              name: 'All day',
              start: '2020-01-01T00:00:00.000',
              end: '2020-01-02T00:00:00.000',
              rrule: 'FREQ=DAILY',
            },
          ],
          scheduleGroups: [{ name: 'Always open', timeZone: 'Europe/Berlin', openSchedules: ['All day'] }],
          emergencyGroups: [{ name: 'Storm', enabled: false }],
        },
      },
      omEndpointExtra: {
        availability: {
          scheduleGroup: 'Always open',
          emergencyGroup: 'Storm',
          cacheSeconds: 1,
          whenClosed: 'refuse',
          whenNoAgent: 'refuse',
        },
      },
      endpointExtra: (emulatorUrl) => ({
        availability: {
          platform: { baseUrl: emulatorUrl, clientId: 'emulator-client', clientSecret: 'emulator-secret' },
          // Open one day in 2020 only: closed now and for good.
          hours: {
            timeZone: 'America/New_York',
            open: [{ start: '2020-03-02T09:00', end: '2020-03-02T17:00' }],
          },
          cacheSeconds: 300,
          whenClosed: 'refuse',
        },
      }),
    });
  });
  after(async () => {
    await h.close();
  });

  const availability = (endpoint: string, query = '') =>
    h.api('GET', `/v1/endpoints/${endpoint}/availability${query}`);
  const presence = (agent: string, value: string) =>
    h.emu('PUT', `/emulator/v1/agents/${agent}/presence`, { presence: value });
  const membersReads = async (): Promise<number> => {
    const log = (await h.emu('GET', '/emulator/v1/platform-requests')).body as {
      byRoute: Record<string, number>;
    };
    return log.byRoute['GET /api/v2/routing/queues/:queueId/members'] ?? 0;
  };

  test('many bot calls, one Genesys read per cache interval (counted at the emulator)', async () => {
    const before = await membersReads();
    const calls = [];
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          availability('support', `?language=English&skills=${i % 2 ? 'general' : 'technical'}`),
        ),
      );
      calls.push(...results);
    }
    assert.ok(calls.every((r) => r.status === 200));
    assert.equal((await membersReads()) - before, 1);
    // Different skills, same read: answers differ by query, not by Genesys call.
    const technical = calls.find((_, i) => i % 2 === 0)!.body;
    assert.equal(technical.agentsAvailable.value, 2);
    assert.equal(calls[1]!.body.agentsAvailable.value, 3);
  });

  test('guest chat with an OAuth client: own hours, agents and wait from the Platform API', async () => {
    const res = await availability('support', '?language=German&skills=general,technical');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const a = res.body;
    assert.equal(a.endpointId, 'support');
    assert.deepEqual(
      { value: a.open.value, source: a.open.source, path: a.open.path, timeZone: a.open.timeZone },
      { value: false, source: 'endpoint-hours', path: 'closed', timeZone: 'America/New_York' },
    );
    assert.equal(a.open.nextOpening, undefined);
    assert.deepEqual(
      { value: a.agentsAvailable.value, source: a.agentsAvailable.source },
      { value: 1, source: 'genesys-queue-members' },
    );
    assert.deepEqual(a.waiting, { value: 0, source: 'genesys-queue-observations' });
    assert.deepEqual(a.estimatedWaitSeconds, { value: 0, source: 'genesys-estimated-wait-time' });
  });

  test('a closed endpoint with whenClosed "refuse" answers ENDPOINT_CLOSED and starts nothing', async () => {
    const res = await h.api('POST', '/v1/handovers', {
      endpoint: 'support',
      customer: { userId: 'u-closed', sessionId: 's-1', displayName: 'Night Owl' },
    });
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'ENDPOINT_CLOSED');
    assert.equal(res.body.error.nextOpening, null);
    const list = await h.api('GET', '/v1/handovers?endpoint=support');
    assert.equal(list.status, 200);
    assert.ok(!JSON.stringify(list.body).includes('u-closed'));
  });

  test('Open Messaging: open by the Genesys schedule group; agents by language and skills', async () => {
    const res = await availability(OM_ENDPOINT, '?language=german&skills=Technical');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      {
        value: res.body.open.value,
        source: res.body.open.source,
        path: res.body.open.path,
        decidedBy: res.body.open.decidedBy,
      },
      { value: true, source: 'genesys-schedule-group', path: 'open', decidedBy: 'All day' },
    );
    assert.equal(res.body.agentsAvailable.value, 1);
    assert.equal(res.body.agentsAvailable.idle, 1);
  });

  test('agents going off queue: NO_AGENT_AVAILABLE for German, a queued handover for English', async () => {
    assert.equal((await presence('bruno-schmidt', 'Break')).status, 200);
    await waitFor(
      async () =>
        (await availability(OM_ENDPOINT, '?language=German')).body.agentsAvailable.value === 0
          ? true
          : undefined,
      { what: 'the cache to see Bruno off queue', timeoutMs: 10_000 },
    );
    const refused = await h.api('POST', '/v1/handovers', {
      endpoint: OM_ENDPOINT,
      customer: { userId: 'u-german', sessionId: 's-1', displayName: 'Greta' },
      settings: { language: 'German', skills: ['technical'] },
    });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'NO_AGENT_AVAILABLE');
    const queued = await h.api('POST', '/v1/handovers', {
      endpoint: OM_ENDPOINT,
      customer: { userId: 'u-english', sessionId: 's-1', displayName: 'Eddie' },
      settings: { language: 'English' },
    });
    assert.equal(queued.status, 201, JSON.stringify(queued.body));
    // The waiting customer shows in the queue's count once the conversation reached Genesys.
    await waitFor(
      async () => ((await availability(OM_ENDPOINT)).body.waiting.value === 1 ? true : undefined),
      { what: 'one waiting conversation', timeoutMs: 10_000 },
    );
    await presence('bruno-schmidt', 'On Queue');
  });

  test('an enabled emergency group closes the endpoint: ENDPOINT_CLOSED without a next opening', async () => {
    assert.equal(
      (await h.emu('PUT', '/emulator/v1/architect/emergencygroups', { name: 'Storm', enabled: true })).status,
      200,
    );
    const closed = await waitFor(
      async () => {
        const a = (await availability(OM_ENDPOINT)).body;
        return a.open.value === false ? a : undefined;
      },
      { what: 'the emergency to show', timeoutMs: 10_000 },
    );
    assert.equal(closed.open.path, 'emergency');
    assert.equal(closed.open.decidedBy, 'Storm');
    const refused = await h.api('POST', '/v1/handovers', {
      endpoint: OM_ENDPOINT,
      customer: { userId: 'u-storm', sessionId: 's-1', displayName: 'Stormy' },
    });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'ENDPOINT_CLOSED');
    assert.equal(refused.body.error.nextOpening, null);
    await h.emu('PUT', '/emulator/v1/architect/emergencygroups', { name: 'Storm', enabled: false });
  });

  test('an endpoint the key may not use is 403; an endpoint without sources says so; a bad query is 400', async () => {
    assert.equal((await availability('nowhere')).status, 403);
    assert.equal(
      (await h.api('GET', '/v1/endpoints/nowhere/availability', undefined, { key: OTHER_KEY })).status,
      403,
    );
    const unknown = await h.api('GET', '/v1/endpoints/other/availability', undefined, { key: OTHER_KEY });
    assert.equal(unknown.status, 200);
    assert.deepEqual(unknown.body.agentsAvailable, { value: null, source: 'unavailable' });
    assert.deepEqual(unknown.body.open, { value: null, source: 'not-configured' });
    const tooMany = await availability(
      'support',
      `?skills=${Array.from({ length: 60 }, (_, i) => `s${i}`).join(',')}`,
    );
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.error.code, 'VALIDATION_FAILED');
    const docs = await h.api('GET', '/docs/json');
    assert.ok(
      docs.body.paths['/v1/endpoints/{endpointId}/availability'],
      'the route is in the OpenAPI document',
    );
  });
});
