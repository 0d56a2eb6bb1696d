// What the gateway persists per conversation (design §3 `ProviderRef`). It is a SECRET because of
// the JWT and because `eventStreamUri` embeds the same JWT (protocol §2.3): never log it, never put
// it into an error message, never return it from the API.

/** Authorises REST calls for one conversation as its guest member (protocol §3). */
export interface GuestCredentials {
  readonly conversationId: string;
  /** The guest's own member id (`member.id` of the create response). */
  readonly memberId: string;
  /** Guest JWT, sent as `Authorization: Bearer <jwt>`. */
  readonly jwt: string;
}

/** Everything the create call returns: credentials plus the event stream URI. */
export interface GuestSession extends GuestCredentials {
  /** WebSocket URI to open verbatim, no headers (§8). Contains the JWT. */
  readonly eventStreamUri: string;
}
