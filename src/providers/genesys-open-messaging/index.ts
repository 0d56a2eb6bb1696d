// Public surface of the Genesys Open Messaging client (protocol: shared/reference/
// genesys-open-messaging-protocol.md; developer doc: docs/open-messaging-client.md).
export { OpenMessagingProvider } from './adapter/open-messaging-provider.ts';
export type { OpenMessagingProviderOptions } from './adapter/options.ts';
export { OPEN_MESSAGING_KIND } from './adapter/provider-ref.ts';
export { OpenMessagingClient } from './client.ts';
export type { OpenMessagingClientOptions } from './client.ts';
export {
  OpenMessagingApiError,
  OpenMessagingAuthError,
  OpenMessagingNetworkError,
  OpenMessagingTimeoutError,
  OpenMessagingResponseError,
  OpenMessagingAbortedError,
  OpenMessagingRequestError,
  OpenMessagingConfigError,
  NotificationsCapacityError,
  NotificationsChannelError,
  NotificationsSubscriptionError,
  classifyOpenMessagingError,
  isRetryableOpenMessagingError,
} from './errors.ts';
export { GENESYS_CLOUD_REGIONS, resolveHosts } from './regions.ts';
export type { NotificationsRest } from './rest/notifications-api.ts';
export type { MessageConversation } from './wire/conversation.ts';
export { NotificationsClient } from './notifications/notifications-client.ts';
export type { NotificationsClientOptions } from './notifications/options.ts';
export type { WatchState } from './notifications/notifications-client.ts';
export type { ConversationDetailEvent, UserEndEvent } from './notifications/events.ts';
export { conversationDetailTopic, parseConversationDetailTopic } from './notifications/topics.ts';
export { parseNotificationFrame } from './notifications/parse-frame.ts';
export { assessUserEnd, isTransferDisconnect } from './notifications/user-end.ts';
export { WebhookVerifier } from './webhook/webhook-verifier.ts';
export type { WebhookOutcome } from './webhook/webhook-verifier.ts';
export type { WebhookEvent, WebhookMessageEvent } from './webhook/events.ts';
