// API-key authentication: `Authorization: Bearer <key>`. Keys are compared as SHA-256 digests with
// a constant-time comparison, and only the digests are kept in memory, so a key never lands in a
// heap dump or a log line. A key may be configured by its digest alone (`keySha256`): then the
// configuration holds no secret either. Each key names the endpoints it may act on (403 for the others).
import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../core/errors.ts';
import type { KeyLimits } from './limits/key-limits.ts';

export interface ApiKeyGrant {
  /** Stable within the process (the key's position in the configuration): what limits are counted by. */
  readonly id: string;
  readonly name: string;
  readonly endpoints: readonly string[] | '*';
  readonly limits: KeyLimits;
}

/** `key` or `keySha256` (64 hex digits): one of the two. */
export interface ConfiguredApiKey {
  readonly key?: string | undefined;
  readonly keySha256?: string | undefined;
  readonly name: string;
  readonly endpoints: readonly string[];
  readonly limits: KeyLimits;
}

export interface ApiPrincipal extends ApiKeyGrant {
  mayUse(endpointId: string): boolean;
}

export class ApiKeyAuthenticator {
  /** Each key's principal is made once: it is the same for every request with that key. */
  readonly #keys: { digest: Buffer; principal: ApiPrincipal }[];

  constructor(keys: readonly ConfiguredApiKey[]) {
    this.#keys = keys.map((k, i) => ({
      digest: configuredDigest(k),
      principal: principalOf({
        id: `key-${i}`,
        name: k.name,
        endpoints: k.endpoints.includes('*') ? '*' : [...k.endpoints],
        limits: k.limits,
      }),
    }));
  }

  /** Throws UNAUTHENTICATED for a missing, malformed or unknown key. */
  authenticate(header: string | undefined): ApiPrincipal {
    const match = header ? /^bearer\s+(\S+)\s*$/i.exec(header) : null;
    const presented = match?.[1];
    if (!presented) throw new GatewayError('UNAUTHENTICATED');
    const d = digest(presented);
    // Compare against every key (no early exit) so timing does not reveal which prefix matched.
    let found: ApiPrincipal | undefined;
    for (const k of this.#keys) if (timingSafeEqual(k.digest, d)) found = k.principal;
    if (!found) throw new GatewayError('UNAUTHENTICATED');
    return found;
  }
}

function principalOf(grant: ApiKeyGrant): ApiPrincipal {
  return Object.freeze({
    ...grant,
    mayUse: (endpointId: string) => grant.endpoints === '*' || grant.endpoints.includes(endpointId),
  });
}

function configuredDigest(k: ConfiguredApiKey): Buffer {
  if (k.key !== undefined) return digest(k.key);
  if (k.keySha256 !== undefined && /^[0-9a-fA-F]{64}$/.test(k.keySha256))
    return Buffer.from(k.keySha256, 'hex');
  throw new RangeError(`API key "${k.name}": set key or keySha256 (64 hex digits)`);
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
