// Public surface of the Genesys Open Messaging client (protocol: shared/reference/
// genesys-open-messaging-protocol.md; developer doc: docs/open-messaging-client.md).
export { OpenMessagingClient, DEFAULT_TIMEOUT_MS } from './client.ts';
export type { OpenMessagingClientOptions } from './client.ts';
export {
  OpenMessagingErrorCodes,
  OpenMessagingError,
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
  isOpenMessagingError,
  isRetryableOpenMessagingError,
  isRetryableStatus,
} from './errors.ts';
export type { OpenMessagingErrorCode, OpenMessagingApiErrorInit } from './errors.ts';
export { GENESYS_CLOUD_REGIONS, normalizeEnvironment, resolveHosts } from './regions.ts';
export type {
  GenesysCloudEnvironment,
  GenesysCloudRegionKey,
  OpenMessagingHosts,
  OpenMessagingTarget,
} from './regions.ts';
export type { ClientCredentials } from './oauth/token-request.ts';
export { TokenBucket, DEFAULT_REQUESTS_PER_MINUTE } from './rest/token-bucket.ts';
export type { CallOptions } from './rest/call-options.ts';
export type { FetchLike } from './rest/http-request.ts';
export type {
  CustomerIdentity,
  InboundMessageInput,
  InboundReceiptInput,
  SendMessageOptions,
  SentInboundMessage,
} from './rest/inbound-api.ts';
export { findCustomer } from './rest/conversations-api.ts';
export type { DisconnectCustomerResult } from './rest/conversations-api.ts';
export type { AgentProfile } from './rest/users-api.ts';
export type { CreateIntegrationInput } from './rest/integrations-api.ts';
export type { NotificationsRest } from './rest/notifications-api.ts';
export { ID_TYPES, MEDIA_TYPES, INBOUND_RECEIPT_STATUSES, RECEIPT_REASON_CODES } from './wire/inbound.ts';
export type {
  IdType,
  MediaType,
  InboundAttachment,
  InboundReceiptStatus,
  ReceiptReasonCode,
} from './wire/inbound.ts';
export type { MessageConversation, Participant, ParticipantAttributes } from './wire/conversation.ts';
export type { User } from './wire/user.ts';
export type { OpenIntegration, OpenIntegrationListing } from './wire/integration.ts';
export type { NotificationChannel, ChannelTopic } from './wire/notification-channel.ts';
export { DISCONNECT_TYPES } from './wire/notification-frames.ts';
export type { KnownDisconnectType } from './wire/notification-frames.ts';
export { NotificationsClient } from './notifications/notifications-client.ts';
export { NOTIFICATIONS_DEFAULTS } from './notifications/options.ts';
export type { NotificationsClientOptions } from './notifications/options.ts';
export type {
  ConversationWatch,
  ConversationWatchHandlers,
  NotificationsStats,
  WatchState,
} from './notifications/notifications-client.ts';
export type { WebSocketFactory, SocketDownReason } from './notifications/channel-socket.ts';
export type { ResubscribeReason } from './notifications/channel-slot.ts';
export type {
  AfterCallWorkEvent,
  ConversationDetailEvent,
  CustomerEndEvent,
  UserEndEvent,
  UserStartEvent,
} from './notifications/events.ts';
export {
  CONVERSATION_DETAIL_KINDS,
  conversationDetailTopic,
  conversationDetailTopics,
  parseConversationDetailTopic,
} from './notifications/topics.ts';
export type { ConversationDetailKind } from './notifications/topics.ts';
export { parseNotificationFrame } from './notifications/parse-frame.ts';
export type { IgnoredFrameReason, NotificationFrame } from './notifications/parse-frame.ts';
export { assessUserEnd, isTransferDisconnect } from './notifications/user-end.ts';
export type { UserEndAssessment, UserEndOutcome } from './notifications/user-end.ts';
export { WebhookVerifier, MIN_WEBHOOK_SECRET_LENGTH } from './webhook/webhook-verifier.ts';
export type { WebhookOutcome, WebhookVerifierOptions } from './webhook/webhook-verifier.ts';
export { SIGNATURE_HEADER, signWebhookBody, verifyWebhookSignature } from './webhook/signature.ts';
export type { RawBody, SignatureCheck, SignatureFailure } from './webhook/signature.ts';
export { parseWebhookBody } from './webhook/parse-webhook.ts';
export type { WebhookParseResult } from './webhook/parse-webhook.ts';
export type {
  MessageOrigin,
  WebhookAttachment,
  WebhookEvent,
  WebhookMessageEvent,
  WebhookReceiptEvent,
  WebhookTypingEvent,
  WebhookUnsupportedEvent,
} from './webhook/events.ts';
