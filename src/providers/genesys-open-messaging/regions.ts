// Where the login service and the Platform API live (protocol §1.1). Production: a region from the
// SDK's 18-entry list, login at `https://login.{env}`, API at `https://api.{env}`. Emulator: one
// explicit base URL, laid out like the official SDK's `setGateway({path_params_login: 'login'})`
// (token at `{base}/login/oauth/token`, API at `{base}/api/v2/...`), or two explicit base URLs.
import { GENESYS_CLOUD_REGIONS } from '../genesys-cloud/regions.ts';
import { OpenMessagingConfigError } from './errors.ts';

export { GENESYS_CLOUD_REGIONS };

export type GenesysCloudRegionKey = keyof typeof GENESYS_CLOUD_REGIONS;
export type GenesysCloudEnvironment = (typeof GENESYS_CLOUD_REGIONS)[GenesysCloudRegionKey];

/** The two hosts a client talks to, as base URLs without a trailing slash. */
export interface OpenMessagingHosts {
  /** `https://login.{env}`; the token endpoint is `{loginBaseUrl}/oauth/token` (§1.2). */
  readonly loginBaseUrl: string;
  /** `https://api.{env}`; paths start with `/api/v2/`. */
  readonly apiBaseUrl: string;
}

/**
 * How to reach Genesys:
 * - `{ environment }`: a region key (`eu_west_1`) or domain (`mypurecloud.ie`, also `api.`/`https://` forms);
 * - `{ baseUrl }`: the emulator, one origin for both (`/login/oauth/token`, `/api/v2/...`);
 * - `{ loginBaseUrl, apiBaseUrl }`: anything else, spelled out.
 */
export type OpenMessagingTarget =
  | { readonly environment: string }
  | { readonly baseUrl: string }
  | { readonly loginBaseUrl: string; readonly apiBaseUrl: string };

const ENVIRONMENTS: ReadonlySet<string> = new Set(Object.values(GENESYS_CLOUD_REGIONS));

function isRegionKey(value: string): value is GenesysCloudRegionKey {
  return Object.hasOwn(GENESYS_CLOUD_REGIONS, value);
}

/** A region key or an environment domain → the domain; anything not in §1.1's list is refused. */
export function normalizeEnvironment(input: string): GenesysCloudEnvironment {
  const raw = input.trim();
  if (isRegionKey(raw)) return GENESYS_CLOUD_REGIONS[raw];
  const env = raw
    .toLowerCase()
    .replace(/\/+$/, '')
    .replace(/^https?:\/\//, '')
    .replace(/^(api|login)\./, '');
  if (!ENVIRONMENTS.has(env)) {
    throw new OpenMessagingConfigError(`unknown Genesys Cloud environment "${input}" (see protocol §1.1)`);
  }
  return env as GenesysCloudEnvironment;
}

/**
 * An explicit base URL, checked and without a trailing slash: http(s) only, no query, fragment or
 * credentials (a URL with a password would end up in logs).
 */
export function normalizeBaseUrl(baseUrl: string, what = 'base URL'): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new OpenMessagingConfigError(`the Genesys ${what} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OpenMessagingConfigError(`the Genesys ${what} must use http or https`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new OpenMessagingConfigError(`the Genesys ${what} must not carry a query, fragment or credentials`);
  }
  return url.href.replace(/\/+$/, '');
}

export function resolveHosts(target: OpenMessagingTarget): OpenMessagingHosts {
  if ('environment' in target) {
    const env = normalizeEnvironment(target.environment);
    return { loginBaseUrl: `https://login.${env}`, apiBaseUrl: `https://api.${env}` };
  }
  if ('baseUrl' in target) {
    const base = normalizeBaseUrl(target.baseUrl);
    // §1.1: the SDK's gateway mode puts the login service under `/login` of the same origin.
    return { loginBaseUrl: `${base}/login`, apiBaseUrl: base };
  }
  return {
    loginBaseUrl: normalizeBaseUrl(target.loginBaseUrl, 'login base URL'),
    apiBaseUrl: normalizeBaseUrl(target.apiBaseUrl, 'API base URL'),
  };
}
