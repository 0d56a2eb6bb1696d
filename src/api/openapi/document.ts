// The parts of the OpenAPI 3.1 document that no route declares: info, licence, servers, tags, the
// security scheme, and `webhooks` — one entry per event type, the body the gateway POSTs to an
// endpoint's webhook (signed per Standard Webhooks), referencing the same component schemas as the
// API (src/contract/events.ts). Routes declare their own operations (src/api/routes/).
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { EventTypes } from '../../core/model/events.ts';
import { eventSchemaId } from '../../contract/events.ts';
import { nameSharedSchemas } from './components.ts';
import { eventExample } from './examples.ts';

export const TAGS = {
  handovers: 'handovers',
  events: 'events',
  deadLetters: 'dead-letters',
  endpoints: 'endpoints',
} as const;

const webhookHeaders = [
  {
    name: 'webhook-id',
    in: 'header',
    required: true,
    description: 'The event id: the same on every retry. Drop duplicates by it.',
    schema: { type: 'string' },
  },
  {
    name: 'webhook-timestamp',
    in: 'header',
    required: true,
    description: 'Unix seconds of this attempt (not of the event).',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
  {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description:
      '`v1,` + base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` with the secret; one per secret, space-separated.',
    schema: { type: 'string' },
  },
];

const webhookResponses = {
  '2XX': { description: "Delivered; the handover's next event follows." },
  '410': { description: 'Gone: the event is dead-lettered at once.' },
  '429': { description: 'Retried no earlier than `Retry-After` (at most 10 min).' },
  default: { description: 'Any other answer, a timeout or a network error: retried with backoff for 24 h.' },
};

function webhookOperation(schemaId: string, summary: string, operationId: string, example: unknown) {
  return {
    post: {
      operationId,
      summary,
      tags: ['webhooks'],
      security: [],
      parameters: webhookHeaders,
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { $ref: `#/components/schemas/${schemaId}` },
            example,
          },
        },
      },
      responses: webhookResponses,
    },
  };
}

function webhooks(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  EventTypes.forEach((type, i) => {
    const id = eventSchemaId(type);
    out[type] = webhookOperation(
      id,
      `${type} (to the endpoint's webhook URL)`,
      `on${id}`,
      eventExample(type, i + 1),
    );
  });
  out['webhook.test'] = webhookOperation(
    'WebhookTestEvent',
    "webhook.test (an operator's POST /v1/endpoints/{id}/webhook-test)",
    'onWebhookTestEvent',
    {
      id: '6e0f3c2a-1b4d-4e5f-8a9b-0c1d2e3f4a5b',
      type: 'webhook.test',
      endpointId: 'support-bot',
      timestamp: '2030-01-01T12:00:00.000Z',
      data: { message: 'A test delivery from genesys-handover.' },
    },
  );
  return out;
}

type OpenApiBase = NonNullable<FastifyDynamicSwaggerOptions['openapi']>;

export function openApiBase(version: string): OpenApiBase {
  nameSharedSchemas();
  const base = {
    openapi: '3.1.0',
    info: {
      title: 'genesys-handover',
      version,
      summary: 'Hand a bot conversation to a Genesys Cloud agent and back.',
      description:
        "The bot-facing API of the genesys-handover gateway. A bot starts a handover, relays the customer's messages, and receives the agent's side as events: by signed webhook (Standard Webhooks, see `webhooks`) or Server-Sent Events (`GET /v1/handovers/{id}/events`). Every error answer has a stable `code` (the `Error` schema). A typed TypeScript client ships as `genesys-handover/client`.",
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [
      { url: '/', description: 'This gateway (the document is served by the gateway it describes).' },
    ],
    tags: [
      { name: TAGS.handovers, description: 'Start, relay, read and end handovers.' },
      { name: TAGS.events, description: "The handover's events as Server-Sent Events." },
      { name: TAGS.deadLetters, description: 'Webhook events not delivered within the retry period.' },
      { name: TAGS.endpoints, description: 'The configured endpoints (one per bot and contact center).' },
      { name: 'webhooks', description: "What the gateway POSTs to an endpoint's webhook URL." },
    ],
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key from the gateway configuration: `Authorization: Bearer <key>`.',
        },
      },
    },
    webhooks: webhooks(),
  };
  // The literal is plain JSON; the OpenAPI types' unions (3.0 | 3.1 | 3.2) do not narrow on it.
  return base as unknown as OpenApiBase;
}
