// Genesys Cloud environments and the API base URL rule (protocol §2.1, §2.2).
import { GUEST_CHAT_REGIONS } from '../genesys-cloud/regions.ts';
import { GuestChatConfigError } from './errors.ts';

/**
 * The guest-chat SDK's 17 regions (protocol §2.2, JS SDK 18.0.0 `PureCloudRegionHosts`): the
 * platform's list as it stood for guest chat (the platform SDK adds one since, see genesys-cloud/).
 */
export const GENESYS_REGIONS = GUEST_CHAT_REGIONS;

export type GenesysRegionKey = keyof typeof GENESYS_REGIONS;
export type GenesysEnvironment = (typeof GENESYS_REGIONS)[GenesysRegionKey];

const ENVIRONMENTS: ReadonlySet<string> = new Set(Object.values(GENESYS_REGIONS));

function isRegionKey(value: string): value is GenesysRegionKey {
  return Object.hasOwn(GENESYS_REGIONS, value);
}

/**
 * Normalises an environment the way the SDK's `setEnvironment` does (§2.1): strips a trailing `/`,
 * a leading `https://`/`http://` and a leading `api.`. A region key (`eu_west_1`) is accepted too.
 * Throws `GuestChatConfigError` for anything that is not in the §2.2 list.
 */
export function normalizeEnvironment(input: string): GenesysEnvironment {
  const raw = input.trim();
  if (isRegionKey(raw)) return GENESYS_REGIONS[raw];
  const env = raw
    .toLowerCase()
    .replace(/\/+$/, '')
    .replace(/^https?:\/\//, '')
    .replace(/^api\./, '');
  if (!ENVIRONMENTS.has(env)) {
    throw new GuestChatConfigError(`unknown Genesys environment "${input}" (see protocol §2.2)`);
  }
  return env as GenesysEnvironment;
}

/** `https://api.<environment>` for a known environment domain or region key (§2.1). */
export function apiBaseUrlForEnvironment(environment: string): string {
  return `https://api.${normalizeEnvironment(environment)}`;
}

/**
 * Validates an explicit base URL (how the emulator is reached, e.g. `http://127.0.0.1:4010`) and
 * returns it without a trailing slash. Only http(s), no query or fragment, no credentials.
 */
export function normalizeBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new GuestChatConfigError('the Genesys base URL is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new GuestChatConfigError('the Genesys base URL must use http or https');
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new GuestChatConfigError('the Genesys base URL must not carry a query, fragment or credentials');
  }
  return url.href.replace(/\/+$/, '');
}

/** Where the API lives: a known environment (production) or an explicit base URL (emulator). */
export type GenesysTarget = { readonly environment: string } | { readonly baseUrl: string };

export function resolveBaseUrl(target: GenesysTarget): string {
  return 'environment' in target
    ? apiBaseUrlForEnvironment(target.environment)
    : normalizeBaseUrl(target.baseUrl);
}
