// Options of the OAuth side (§1). Units are in the names.
import { numericOptions, positive } from '../option-checks.ts';
import { DEFAULT_OAUTH_CLIENT, type OAuthClientConfig } from './oauth-clients.ts';

export interface OAuthOptions {
  /** Accepted client-credentials clients. Default: the demo client `emulator-client` / `emulator-secret`. */
  readonly oauthClients?: readonly OAuthClientConfig[];
  /** Token lifetime when the client sets none (§1.3: Genesys' default is 24 h; `expires_in` 86,399 [I]). Default 86,399 s. */
  readonly tokenLifetimeSeconds?: number;
  /** Platform API requests one token may make per sliding minute (§1.4). Default 300. */
  readonly tokenRequestsPerMinute?: number;
}

export interface ResolvedOAuthOptions {
  readonly oauthClients: readonly OAuthClientConfig[];
  readonly tokenLifetimeSeconds: number;
  readonly tokenRequestsPerMinute: number;
}

export const DEFAULT_OAUTH_OPTIONS = {
  tokenLifetimeSeconds: 86_399,
  tokenRequestsPerMinute: 300,
} as const;

export function resolveOAuthOptions(options: OAuthOptions): ResolvedOAuthOptions {
  const clients = options.oauthClients ?? [DEFAULT_OAUTH_CLIENT];
  const ids = new Set<string>();
  for (const client of clients) {
    if (client.clientId === '' || client.clientSecret === '')
      throw new RangeError('emulator OAuth clients need a non-empty clientId and clientSecret');
    if (ids.has(client.clientId))
      throw new RangeError(`emulator OAuth client "${client.clientId}" is configured twice`);
    ids.add(client.clientId);
    if (client.accessTokenValiditySeconds !== undefined)
      positive(
        `oauthClients[${client.clientId}].accessTokenValiditySeconds`,
        client.accessTokenValiditySeconds,
      );
  }
  return {
    oauthClients: clients,
    ...numericOptions(options, DEFAULT_OAUTH_OPTIONS, { tokenLifetimeSeconds: 1, tokenRequestsPerMinute: 1 }),
  };
}
