// Event delivery to bots: signed webhooks from the outbox, and Server-Sent Events. The composition
// root (main.ts) builds one WebhookDispatcher and one EventBus and passes them where needed.
export { WebhookDispatcher } from './webhook/dispatcher.ts';
export type { DeliveryOutcomeKind, WebhookDispatcherOptions, WebhookTarget } from './webhook/dispatcher.ts';
export {
  DEFAULT_RETRY_POLICY,
  backoffCeilingMs,
  backoffDelayMs,
  parseRetryAfterMs,
} from './webhook/backoff.ts';
export type { RetryPolicy } from './webhook/backoff.ts';
export { planAfterFailure } from './webhook/retry-plan.ts';
export type { RetryPlan } from './webhook/retry-plan.ts';
export { postWebhook } from './webhook/attempt.ts';
export type { AttemptResult, FetchLike } from './webhook/attempt.ts';
export {
  WebhookSecret,
  WebhookSecretError,
  generateWebhookSecret,
  parseWebhookSecret,
} from './webhook/secret.ts';
export { signPayload, signWebhook } from './webhook/sign.ts';
export type { SignedWebhook, WebhookHeaders } from './webhook/sign.ts';
export { EventBus } from './sse/event-bus.ts';
export type { Unsubscribe } from './sse/event-bus.ts';
export { SSE_HEADERS, streamHandoverEvents } from './sse/stream.ts';
export type { StreamEndReason, StreamHandoverEventsOptions, StreamResult } from './sse/stream.ts';
export { formatSseComment, formatSseEvent, formatSseRetry } from './sse/format.ts';
export { isTerminalEvent, resolveResumePoint } from './sse/resume.ts';
export type { ResumePoint } from './sse/resume.ts';
export { silentLogger } from './logger.ts';
export type { DeliveryLogger } from './logger.ts';
