// Contract: Genesys' official platform SDK reads the emulator's availability surface (OM doc §7):
// queue/skill/language lookup, queue members with comma-joined filters as agents go on and off
// queue, both estimated-wait paths, queue observations (dimension whitelist, qualifiers, details),
// schedules, schedule groups and emergency groups — all as the SDK's models expect them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { startTestEmulator } from '../emulator/helpers.ts';
import { OmWebhookReceiver } from '../emulator/om-webhook-receiver.ts';
import { platformSdkFor, rejection } from './platform-sdk-client.ts';

const WEBHOOK_SECRET = 'sdk-secret-0123456789';
const INTEGRATION_ID = '0b5a1c57-0000-4000-8000-00000000a001';
let emulator: RunningEmulator;
let sdk: ReturnType<typeof platformSdkFor>;
let receiver: OmWebhookReceiver;
let supportId = '';

before(async () => {
  receiver = await new OmWebhookReceiver(WEBHOOK_SECRET).start();
  emulator = await startTestEmulator({
    openIntegrations: [
      {
        id: INTEGRATION_ID,
        name: 'availability',
        outboundNotificationWebhookUrl: receiver.url,
        outboundNotificationWebhookSignatureSecretToken: WEBHOOK_SECRET,
      },
    ],
    averageHandleSeconds: 120,
    businessHours: {
      schedules: [
        {
          name: 'Weekdays',
          start: '2026-01-05T08:00:00.000',
          end: '2026-01-05T17:00:00.000',
          rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
        },
        { name: 'Christmas', start: '2026-12-25T00:00:00.000', end: '2026-12-26T00:00:00.000' },
      ],
      scheduleGroups: [
        {
          name: 'Support hours',
          timeZone: 'Europe/Berlin',
          openSchedules: ['Weekdays'],
          holidaySchedules: ['Christmas'],
        },
      ],
      emergencyGroups: [{ name: 'Storm', enabled: false }],
    },
  });
  sdk = platformSdkFor(emulator);
  await sdk.client.loginClientCredentialsGrant('emulator-client', 'emulator-secret');
});
after(async () => {
  await emulator.close();
  await receiver.close();
});

const agentApi = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${emulator.url}/emulator/v1${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

test('getRoutingQueues by exact name and with a * wildcard (§7.4)', async () => {
  const exact = await sdk.routing.getRoutingQueues({ name: 'Support' });
  assert.equal(exact.entities?.length, 1);
  supportId = exact.entities[0]!.id!;
  assert.equal(exact.entities[0]!.name, 'Support');
  assert.equal(exact.entities[0]!.memberCount, 3);
  const wild = await sdk.routing.getRoutingQueues({ name: 'S*' });
  assert.deepEqual(
    wild.entities?.map((q) => q.name),
    ['Sales', 'Support'],
  );
  const byId = await sdk.routing.getRoutingQueue(supportId);
  assert.equal(byId.name, 'Support');
  const missing = await rejection(sdk.routing.getRoutingQueue('00000000-0000-4000-8000-000000000000'));
  assert.equal(missing.status, 404);
  assert.equal(missing.code, 'not.found');
});

test('getRoutingSkills and getRoutingLanguages by name prefix (§7.4)', async () => {
  const skills = await sdk.routing.getRoutingSkills({ name: 'tech' });
  assert.deepEqual(
    skills.entities?.map((s) => s.name),
    ['Technical'],
  );
  assert.equal(skills.entities[0]!.state, 'active');
  const languages = await sdk.routing.getRoutingLanguages({ name: 'Ger' });
  assert.deepEqual(
    languages.entities?.map((l) => l.name),
    ['German'],
  );
});

test('getRoutingQueueMembers filters by skills and languages, comma-joined by the SDK (§7.3)', async () => {
  const german = await sdk.routing.getRoutingQueueMembers(supportId, {
    languages: ['German'],
    skills: ['technical', 'general'],
  });
  assert.deepEqual(
    german.entities?.map((m) => m.name),
    ['Bruno Schmidt'],
  );
  const member = german.entities[0]!;
  assert.equal(member.routingStatus?.status, 'IDLE');
  assert.equal(member.joined, true);
  assert.equal(member.memberBy, 'user');
  const english = await sdk.routing.getRoutingQueueMembers(supportId, {
    languages: ['English'],
    routingStatus: ['IDLE'],
    presence: ['On Queue'],
  });
  assert.equal(english.entities?.length, 3);
  const expanded = await sdk.routing.getRoutingQueueMembers(supportId, {
    name: 'Chen',
    expand: ['skills', 'languages', 'presence'],
  });
  const user = expanded.entities![0]!.user!;
  assert.deepEqual(user.languages?.map((l) => l.name).sort(), ['Chinese', 'English']);
  assert.equal(user.presence?.presenceDefinition?.systemPresence, 'ON_QUEUE');
});

test('an agent going off queue drops out of the IDLE filter and shows OFF_QUEUE (agent API → §7.3)', async () => {
  const off = await agentApi('PUT', '/agents/bruno-schmidt/presence', { presence: 'Break' });
  assert.equal(off.status, 200);
  assert.equal(off.body.agent.routingStatus, 'OFF_QUEUE');
  const idleGerman = await sdk.routing.getRoutingQueueMembers(supportId, {
    languages: ['German'],
    routingStatus: ['IDLE'],
  });
  assert.deepEqual(idleGerman.entities, []);
  const all = await sdk.routing.getRoutingQueueMembers(supportId, { languages: ['German'] });
  assert.equal(all.entities![0]!.routingStatus?.status, 'OFF_QUEUE');
  const onBreak = await sdk.routing.getRoutingQueueMembers(supportId, { presence: ['BREAK'] });
  assert.deepEqual(
    onBreak.entities?.map((m) => m.name),
    ['Bruno Schmidt'],
  );
  await agentApi('PUT', '/agents/Bruno Schmidt/presence', { presence: 'On Queue' });
  const back = await sdk.routing.getRoutingQueueMembers(supportId, {
    languages: ['German'],
    routingStatus: ['IDLE'],
  });
  assert.equal(back.entities?.length, 1);
  const bad = await agentApi('PUT', '/agents/nobody/presence', { presence: 'On Queue' });
  assert.equal(bad.status, 404);
});

let waitingConversationId = '';

test('estimated wait: per queue and media type, and per conversation (§7.1)', async () => {
  const idle = await sdk.routing.getRoutingQueueMediatypeEstimatedwaittime(supportId, 'message');
  assert.deepEqual(idle.results, [{ intent: 'MESSAGE', formula: 'SIMPLE', estimatedWaitTimeSeconds: 0 }]);
  // Every Support agent off queue: a customer waits; with nobody on queue the estimate is the longest wait.
  for (const slug of ['alice-moreau', 'bruno-schmidt', 'chen-wei'])
    await agentApi('PUT', `/agents/${slug}/presence`, { presence: 'Away' });
  const answer = await sdk.conversations.postConversationsMessageInboundOpenMessage(
    INTEGRATION_ID,
    {
      channel: {
        messageId: 'ewt-1',
        from: { id: 'ewt-customer', idType: 'Opaque' },
        time: new Date().toISOString(),
        metadata: {
          customAttributes: {
            hg_queue: 'Support',
            hg_language: 'German',
            hg_skills: 'technical',
            hg_priority: '2',
          },
        },
      },
      text: 'Anyone there?',
    } as never,
    { prefetchConversationId: true },
  );
  waitingConversationId = answer.conversationId!;
  const none = await sdk.routing.getRoutingQueueMediatypeEstimatedwaittime(supportId, 'message');
  // Nobody on queue: Genesys answers with the longest wait (a second or so here), never a position-based guess.
  assert.ok(Number.isInteger(none.results[0]!.estimatedWaitTimeSeconds));
  assert.ok(none.results[0]!.estimatedWaitTimeSeconds < 60);
  // One agent back on queue with capacity: the waiting chat is routed to nobody (no auto-agent),
  // but capacity is free, so a new arrival waits 0 s; the conversation's own estimate is 0 too.
  await agentApi('PUT', '/agents/bruno-schmidt/presence', { presence: 'On Queue' });
  const mine = await sdk.routing.getRoutingQueueEstimatedwaittime(supportId, {
    conversationId: waitingConversationId,
  });
  assert.deepEqual(mine.results, [
    { intent: 'MESSAGE', formula: 'POSITION-IN-QUEUE', estimatedWaitTimeSeconds: 0 },
  ]);
  const all = await sdk.routing.getRoutingQueueEstimatedwaittime(supportId);
  assert.equal(all.results[0]!.intent, 'ALL');
  const badMedia = await rejection(sdk.routing.getRoutingQueueMediatypeEstimatedwaittime(supportId, 'fax'));
  assert.equal(badMedia.status, 400);
});

test('queue observations: qualifiers, waiting details, the dimension whitelist (§7.2)', async () => {
  const result = await sdk.analytics.postAnalyticsQueuesObservationsQuery({
    filter: {
      type: 'and',
      predicates: [
        { type: 'dimension', dimension: 'queueId', operator: 'matches', value: supportId },
        { dimension: 'mediaType', value: 'message' },
      ],
    },
    metrics: ['oOnQueueUsers', 'oOffQueueUsers', 'oWaiting'],
    detailMetrics: ['oWaiting'],
  });
  const users = result.results!.find((r) => r.group?.mediaType === undefined)!;
  assert.deepEqual(users.group, { queueId: supportId });
  const onQueue = users.data!.filter((d) => d.metric === 'oOnQueueUsers');
  assert.deepEqual(
    onQueue.map((d) => [d.qualifier, d.stats?.count]),
    [['IDLE', 1]],
  );
  assert.equal(users.data!.find((d) => d.metric === 'oOffQueueUsers')?.stats?.count, 2);
  const conversations = result.results!.find((r) => r.group?.mediaType === 'message')!;
  const waiting = conversations.data!.find((d) => d.metric === 'oWaiting')!;
  assert.equal(waiting.stats?.count, 1);
  const observation = waiting.observations![0]!;
  assert.equal(observation.conversationId, waitingConversationId);
  assert.equal(observation.routingPriority, 2);
  assert.equal(observation.requestedRoutingSkillIds?.length, 1);
  assert.equal(typeof observation.requestedLanguageId, 'string');
  const german = await sdk.routing.getRoutingLanguages({ name: 'German' });
  assert.equal(observation.requestedLanguageId, german.entities![0]!.id);

  const bad = await rejection(
    sdk.analytics.postAnalyticsQueuesObservationsQuery({
      filter: { type: 'and', predicates: [{ dimension: 'skillId', value: 'x' }] },
      metrics: ['oWaiting'],
    }),
  );
  assert.equal(bad.status, 400);
  assert.equal(bad.code, 'bad.request');
  for (const slug of ['alice-moreau', 'chen-wei'])
    await agentApi('PUT', `/agents/${slug}/presence`, { presence: 'On Queue' });
});

test('schedule groups, schedules and emergency groups (§7.5), changed through the agent API', async () => {
  const groups = await sdk.architect.getArchitectSchedulegroups({ name: 'Support hours' });
  const group = groups.entities![0]!;
  assert.equal(group.timeZone, 'Europe/Berlin');
  assert.deepEqual(
    group.openSchedules?.map((s) => s.name),
    ['Weekdays'],
  );
  assert.deepEqual(
    group.holidaySchedules?.map((s) => s.name),
    ['Christmas'],
  );
  const weekdays = await sdk.architect.getArchitectSchedule(group.openSchedules[0]!.id!);
  assert.equal(weekdays.start, '2026-01-05T08:00:00.000');
  assert.equal(weekdays.rrule, 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR');
  assert.equal(weekdays.state, 'active');
  const same = await sdk.architect.getArchitectSchedulegroup(group.id!);
  assert.equal(same.name, 'Support hours');
  const listed = await sdk.architect.getArchitectSchedules({});
  assert.deepEqual(
    listed.entities?.map((s) => s.name),
    ['Christmas', 'Weekdays'],
  );

  const storm = (await sdk.architect.getArchitectEmergencygroups({ name: 'Storm' })).entities![0]!;
  assert.equal(storm.enabled, false);
  const enabled = await agentApi('PUT', '/architect/emergencygroups', { name: 'Storm', enabled: true });
  assert.equal(enabled.status, 200);
  assert.equal((await sdk.architect.getArchitectEmergencygroup(storm.id!)).enabled, true);

  const lunch = await agentApi('PUT', '/architect/schedules', {
    name: 'Lunch',
    start: '2026-01-05T12:00:00',
    end: '2026-01-05T13:00:00',
    rrule: 'FREQ=DAILY',
  });
  assert.equal(lunch.status, 200);
  await agentApi('PUT', '/architect/schedulegroups', {
    name: 'Support hours',
    timeZone: 'Europe/Berlin',
    openSchedules: ['Weekdays'],
    closedSchedules: ['Lunch'],
  });
  const changed = await sdk.architect.getArchitectSchedulegroup(group.id!);
  assert.deepEqual(
    changed.closedSchedules?.map((s) => s.name),
    ['Lunch'],
  );
  assert.equal(changed.version, 2);
  const dangling = await agentApi('PUT', '/architect/schedulegroups', {
    name: 'X',
    timeZone: 'Europe/Berlin',
    openSchedules: ['Nope'],
  });
  assert.equal(dangling.status, 400);
  const badZone = await agentApi('PUT', '/architect/schedulegroups', {
    name: 'X',
    timeZone: 'Mars/Base',
    openSchedules: ['Weekdays'],
  });
  assert.equal(badZone.status, 400);
  const missing = await rejection(sdk.architect.getArchitectSchedulegroup('nope'));
  assert.equal(missing.status, 404);
});
