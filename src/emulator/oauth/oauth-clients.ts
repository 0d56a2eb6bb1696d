// OAuth clients the emulator accepts (§1: client-credentials grant). Real clients are created in the
// Genesys admin UI; the emulator takes them from its options and ships one demo client.

export interface OAuthClientConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * Token lifetime for this client (§1.3: Genesys allows 300–172,800 s, default 24 h; the emulator
   * accepts any value ≥ 1 so tests can watch a token expire). Default: `tokenLifetimeSeconds`.
   */
  readonly accessTokenValiditySeconds?: number;
}

/** The pre-registered demo client (documented in docs/emulator.md; `npm start` may use it). */
export const DEFAULT_OAUTH_CLIENT: OAuthClientConfig = {
  clientId: 'emulator-client',
  clientSecret: 'emulator-secret',
};
