// Public surface of the Genesys guest-chat provider's client side (protocol: shared/reference/
// genesys-guest-chat-protocol.md). Wire schemas stay internal except for the types callers see.
export type { GuestCredentials, GuestSession } from './credentials.ts';
export { describeSession } from './credentials.ts';
export {
  GuestChatErrorCodes,
  GuestChatError,
  GenesysApiError,
  GenesysNetworkError,
  GenesysTimeoutError,
  GenesysResponseError,
  GenesysAbortedError,
  GenesysStreamError,
  GuestChatRequestError,
  GuestChatConfigError,
  isGuestChatError,
  isRetryableGuestChatError,
  isRetryableStatus,
} from './errors.ts';
export type { GuestChatErrorCode, GenesysApiErrorInit } from './errors.ts';
export {
  GENESYS_REGIONS,
  apiBaseUrlForEnvironment,
  normalizeBaseUrl,
  normalizeEnvironment,
  resolveBaseUrl,
} from './regions.ts';
export type { GenesysEnvironment, GenesysRegionKey, GenesysTarget } from './regions.ts';
export { GuestChatRestClient, DEFAULT_TIMEOUT_MS } from './rest/rest-client.ts';
export type {
  CallOptions,
  GuestChatRestClientOptions,
  ListMembersQuery,
  SendMessageOptions,
} from './rest/rest-client.ts';
export type { FetchLike } from './rest/http-request.ts';
export type { HistoryQuery, SortOrder } from './rest/history-cursor.ts';
export { GuestChatEventStream, STREAM_DEFAULTS } from './stream/event-stream.ts';
export type {
  GuestChatEventStreamOptions,
  StreamLogger,
  StreamReason,
  StreamState,
  StreamStateChange,
  StreamStats,
} from './stream/event-stream.ts';
export type {
  GuestChatEvent,
  HeartbeatEvent,
  IgnoredFrameReason,
  MemberChangeEvent,
  MessageEvent,
  TypingEvent,
  FrameParseResult,
} from './stream/events.ts';
export { parseFrame } from './stream/parse-frame.ts';
export type { FrameContext } from './stream/parse-frame.ts';
export { MemberDirectory } from './members/member-directory.ts';
export type { MemberProfile, ResolveOptions } from './members/member-directory.ts';
export { MemberStateTracker } from './members/member-state-tracker.ts';
export type { MemberStateUpdate } from './members/member-state-tracker.ts';
export { MAX_MESSAGE_BODY_LENGTH, MAX_HISTORY_PAGE_SIZE, MESSAGE_BODY_TYPES } from './wire/message.ts';
export type {
  MessageBodyType,
  OutboundBodyType,
  WebChatMessage,
  WebChatTyping,
  MessagePage,
} from './wire/message.ts';
export { MEMBER_ROLES, MEMBER_STATES } from './wire/member.ts';
export type { MemberInfo, MemberPage, MemberRole, MemberState } from './wire/member.ts';
export type { CreateConversationRequest } from './wire/conversation.ts';
export type {
  MediaRequest,
  MediaRequestState,
  MediaRequestType,
  MediaRequestUpdate,
} from './wire/media-request.ts';
