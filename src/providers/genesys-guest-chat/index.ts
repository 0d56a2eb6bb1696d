// Public surface of the Genesys guest-chat provider's client side (protocol: shared/reference/
// genesys-guest-chat-protocol.md): what the tests and the benchmark use of it. Wire schemas stay
// internal; the gateway itself goes through adapter/guest-chat-provider.ts.
export type { GuestCredentials, GuestSession } from './credentials.ts';
export {
  GuestChatError,
  GenesysApiError,
  GenesysNetworkError,
  GenesysTimeoutError,
  GenesysResponseError,
  GenesysAbortedError,
  GenesysStreamError,
  GuestChatRequestError,
  GuestChatConfigError,
  isRetryableGuestChatError,
  isRetryableStatus,
} from './errors.ts';
export {
  GENESYS_REGIONS,
  apiBaseUrlForEnvironment,
  normalizeBaseUrl,
  normalizeEnvironment,
  resolveBaseUrl,
} from './regions.ts';
export { GuestChatRestClient } from './rest/rest-client.ts';
export type { CallOptions } from './rest/rest-client.ts';
export type { FetchLike } from './rest/http-request.ts';
export { GuestChatEventStream } from './stream/event-stream.ts';
export type { GuestChatEventStreamOptions, StreamStateChange } from './stream/event-stream.ts';
export type { GuestChatEvent, MemberChangeEvent, MessageEvent } from './stream/events.ts';
export { parseFrame } from './stream/parse-frame.ts';
export { MemberDirectory } from './members/member-directory.ts';
export { MemberStateTracker } from './members/member-state-tracker.ts';
export type { MemberInfo } from './wire/member.ts';
