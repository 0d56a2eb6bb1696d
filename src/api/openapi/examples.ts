// Request and response examples of the OpenAPI document, by operationId and status. Plain data in the
// shapes of src/api/schemas.ts (test/api/openapi.test.ts validates each against its schema).
import type { EventType } from '../../core/model/events.ts';

const HANDOVER_ID = '5a1c2e7d-9b3f-4c1a-8e2d-6f0b9a7c3d21';
const AT = '2030-01-01T12:00:00.000Z';

const customer = { userId: 'customer-42', sessionId: 'session-7', displayName: 'Ann Example' };
const settings = {
  queue: 'Support',
  language: 'English',
  skills: ['billing'],
  priority: 2,
  customAttributes: { brand: 'acme', tier: '3' },
};
const agent = { id: 'b7c4a1e2-0d3f-4e5a-9b8c-1f2e3d4c5b6a', displayName: 'Ada' };

export const handoverExample = {
  id: HANDOVER_ID,
  endpoint: 'support-bot',
  state: 'active',
  customer,
  settings,
  agent,
  lastEventSeq: 3,
  createdAt: AT,
  updatedAt: '2030-01-01T12:00:04.120Z',
};

const { agent: _agent, ...withoutAgent } = handoverExample;

const endedExample = {
  ...handoverExample,
  state: 'ended',
  endReason: 'customer_ended',
  lastEventSeq: 7,
  endedAt: '2030-01-01T12:09:30.000Z',
};

/** operationId → the request body example and the response examples by status. */
export const OPERATION_EXAMPLES: Record<string, { request?: unknown; responses?: Record<string, unknown> }> =
  {
    startHandover: {
      request: {
        endpoint: 'support-bot',
        customer: { ...customer, email: 'ann@example.com' },
        settings: { language: 'English', skills: ['billing'], priority: 2, customAttributes: { tier: 3 } },
        transcript: [
          { role: 'customer', text: 'Where is my invoice?', at: '2030-01-01T11:59:40Z' },
          { role: 'bot', text: 'Let me find you an agent.', at: '2030-01-01T11:59:42Z' },
        ],
      },
      responses: {
        '201': { ...withoutAgent, state: 'requested', lastEventSeq: 0 },
        '200': handoverExample,
      },
    },
    listHandovers: { responses: { '200': { items: [handoverExample], nextCursor: 'eyJhdCI6IjIwMzAifQ' } } },
    getHandover: { responses: { '200': handoverExample } },
    getTranscript: {
      responses: {
        '200': {
          items: [
            { id: 't1', role: 'customer', text: 'Where is my invoice?', at: '2030-01-01T11:59:40.000Z' },
            { id: 't2', role: 'customer', text: 'Invoice 42, please.', at: AT, delivery: 'sent' },
            {
              id: 't3',
              role: 'agent',
              text: 'Found it, Ann.',
              at: '2030-01-01T12:00:09.000Z',
              senderName: 'Ada',
            },
          ],
        },
      },
    },
    sendMessage: {
      request: { text: 'Invoice 42, please.' },
      responses: { '202': { parts: [{ id: 'c3d1e0f2-6a7b-4c8d-9e0f-1a2b3c4d5e6f', order: 4, length: 19 }] } },
    },
    sendTyping: { responses: { '202': { forwarded: true } } },
    setPresence: { request: { status: 'away' }, responses: { '202': { notified: true } } },
    endHandover: {
      responses: {
        '200': endedExample,
        '202': { ...handoverExample, closing: { reason: 'customer_ended', requestedAt: AT } },
      },
    },
    listDeadLetters: {
      responses: {
        '200': {
          items: [
            {
              event: {
                id: '0d7f5a4e-3c0b-4b8e-9a57-2f8f8e0a6c11',
                type: 'handover.agent_message',
                handoverId: HANDOVER_ID,
                endpointId: 'support-bot',
                seq: 4,
              },
              attempts: 17,
              lastError: 'status 500 (retry period of 24 h is over)',
              deadAt: '2030-01-02T12:00:03.000Z',
            },
          ],
          nextCursor: 'WyIyMDMwLTAxLTAyVDEyOjAwOjAzLjAwMFoiLCIzZjJiOGM0YSIsNF0',
        },
      },
    },
    replayDeadLetters: { request: { handoverId: HANDOVER_ID }, responses: { '200': { replayed: 1 } } },
    testEndpointWebhook: {
      responses: {
        '200': {
          delivered: true,
          eventId: '6e0f3c2a-1b4d-4e5f-8a9b-0c1d2e3f4a5b',
          status: 204,
          durationMs: 42,
        },
      },
    },
  };

export const SSE_EXAMPLE = `retry: 3000

id: 0d7f5a4e-3c0b-4b8e-9a57-2f8f8e0a6c11
event: handover.agent_message
data: {"id":"0d7f5a4e-3c0b-4b8e-9a57-2f8f8e0a6c11","type":"handover.agent_message","handoverId":"${HANDOVER_ID}","endpointId":"support-bot","userId":"customer-42","sessionId":"session-7","seq":4,"occurredAt":"${AT}","timestamp":"${AT}","data":{"messageId":"m-9","text":"Found it, Ann.","agent":{"id":"${agent.id}","displayName":"Ada"}}}

: keep-alive

`;

/** One `data` example per event type (the webhook bodies in the document's `webhooks`). */
export const EVENT_DATA_EXAMPLES: Record<string, unknown> = {
  'handover.queued': { queue: 'Support' },
  'handover.agent_joined': { agent },
  'handover.agent_message': { messageId: 'm-9', text: 'Found it, Ann.', agent },
  'handover.agent_typing': { agent, expiresInMs: 4000 },
  'handover.agent_left': { agent },
  'handover.transferred': {
    from: agent,
    to: { id: 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b', displayName: 'Grace' },
  },
  'handover.system_message': { messageId: 'm-2', text: 'Thanks for waiting.', source: 'system' },
  'handover.wait_estimate': { estimatedWaitSeconds: 120, position: 3 },
  'handover.ended': { reason: 'agent_ended' },
  'handover.failed': { error: { code: 'chat.deployment.disabled', message: 'The deployment is disabled.' } },
} satisfies Record<EventType, unknown>;

export function eventExample(type: string, seq: number): Record<string, unknown> {
  return {
    id: '0d7f5a4e-3c0b-4b8e-9a57-2f8f8e0a6c11',
    type,
    handoverId: HANDOVER_ID,
    endpointId: 'support-bot',
    userId: 'customer-42',
    sessionId: 'session-7',
    seq,
    occurredAt: AT,
    timestamp: AT,
    data: EVENT_DATA_EXAMPLES[type],
  };
}
