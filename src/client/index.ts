// `genesys-handover/client`: the typed client of the gateway's bot-facing API (docs/client.md).
export {
  GatewayClient,
  type CallOptions,
  type DeadLetter,
  type DeadLetterPage,
  type DeadLettersQuery,
  type GatewayClientOptions,
  type Handover,
  type HandoverPage,
  type ListHandoversQuery,
  type ReplayDeadLettersRequest,
  type SendMessageOptions,
  type SendMessageRequest,
  type SendMessageResult,
  type StartHandoverRequest,
  type TranscriptEntry,
  type WebhookTestResult,
} from './gateway-client.ts';
export { GatewayApiError, type ClientErrorCode, type ErrorDetail } from './errors.ts';
export {
  followHandoverEvents,
  TERMINAL_EVENT_TYPES,
  type EventSource,
  type FollowOptions,
  type FollowResult,
} from './event-follower.ts';
export type { RetryOptions } from './retry.ts';
export {
  WebhookVerifier,
  WebhookVerificationError,
  type WebhookDelivery,
  type WebhookRequestHeaders,
} from './webhooks.ts';
export {
  handoverEventSchema,
  webhookTestEventSchema,
  type WebhookTestEvent,
  type WireEvent as HandoverEvent,
} from '../contract/events.ts';
export type { ErrorCode } from '../core/errors.ts';
export type { EndReason, HandoverState } from '../core/model/handover.ts';
export type { EventType } from '../core/model/events.ts';
export type { MediaType } from '../core/model/attachment.ts';

import type { WireEvent } from '../contract/events.ts';
/** One event type's shape, e.g. `EventOf<'handover.agent_message'>`. */
export type EventOf<T extends WireEvent['type']> = Extract<WireEvent, { type: T }>;
/** The agent as events and handovers carry it. */
export type Agent = EventOf<'handover.agent_joined'>['data']['agent'];
/** A file by URL, as events and the transcript carry it. */
export type Attachment = NonNullable<EventOf<'handover.agent_message'>['data']['attachments']>[number];
