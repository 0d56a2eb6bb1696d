// Open (unended) handovers per API key and per endpoint. A start takes a slot before it does any
// work, synchronously, so 2,000 parallel starts cannot all pass the check before the first one counts;
// the slot becomes the handover's when it is created, or is given back.
//
// Keys are counted by name (a rotated key's old and new secret under one name share the count), and
// the handover records that name (`startedBy`): after a restart the counts of keys and endpoints are
// rebuilt from the unended handovers in the store, so a key at its limit stays at it.
//
// Ends are not pushed here: a handover counted as open is checked again (one read each) only when its
// key or endpoint is at the limit, at most once per RECHECK_MS, so a client hammering a full quota
// costs no more than one read of each of its handovers per second.
import { GatewayError } from '../../core/errors.ts';
import { sharedString } from '../../core/text/shared-string.ts';

const RECHECK_MS = 1_000;

interface Bucket {
  readonly open: Set<string>;
  pending: number;
  checkedAt: number;
}

export interface OpenHandoverSlot {
  /** The start created `handoverId` (true) or returned an existing one (false: the slot is given back). */
  settle(handoverId: string, created: boolean): void;
  /** The start failed: the slot is given back. */
  release(): void;
}

export class OpenHandoverQuota {
  readonly #byKey = new Map<string, Bucket>();
  readonly #byEndpoint = new Map<string, Bucket>();
  readonly #isOpen: (handoverId: string) => Promise<boolean>;
  readonly #now: () => number;

  constructor(isOpen: (handoverId: string) => Promise<boolean>, now: () => number = Date.now) {
    this.#isOpen = isOpen;
    this.#now = now;
  }

  /** Counts a handover that was open before this process started (a restart): for its endpoint and key. */
  adopt(handoverId: string, endpointId: string, keyName: string | undefined): void {
    const id = sharedString(handoverId); // the engine holds the same copy (shared-string.ts)
    bucket(this.#byEndpoint, endpointId).open.add(id);
    if (keyName !== undefined) bucket(this.#byKey, keyName).open.add(id);
  }

  /** Throws 429 LIMIT_REACHED when the key or the endpoint has no free slot. */
  async take(
    key: { readonly name: string; readonly max: number },
    endpoint: { readonly id: string; readonly max: number },
  ): Promise<OpenHandoverSlot> {
    const k = bucket(this.#byKey, key.name);
    const e = bucket(this.#byEndpoint, endpoint.id);
    if (used(k) >= key.max) await this.#recheck(k);
    if (used(e) >= endpoint.max) await this.#recheck(e);
    // Checked and counted in one synchronous step: no await between them.
    if (used(k) >= key.max)
      throw new GatewayError('LIMIT_REACHED', {
        message: `This API key has ${key.max} open handovers, its limit; end one first.`,
      });
    if (used(e) >= endpoint.max)
      throw new GatewayError('LIMIT_REACHED', {
        message: `This endpoint has ${endpoint.max} open handovers, its limit.`,
      });
    k.pending += 1;
    e.pending += 1;
    let settled = false;
    const giveBack = (): void => {
      if (settled) return;
      settled = true;
      k.pending -= 1;
      e.pending -= 1;
    };
    return {
      settle: (handoverId, created) => {
        if (settled) return;
        giveBack();
        if (created) {
          const id = sharedString(handoverId); // the engine holds the same copy (shared-string.ts)
          k.open.add(id);
          e.open.add(id);
        }
      },
      release: giveBack,
    };
  }

  async #recheck(b: Bucket): Promise<void> {
    const now = this.#now();
    if (now - b.checkedAt < RECHECK_MS) return;
    b.checkedAt = now;
    const ids = [...b.open];
    const open = await Promise.all(ids.map((id) => this.#isOpen(id).catch(() => true)));
    ids.forEach((id, i) => {
      if (!open[i]) b.open.delete(id);
    });
  }
}

function bucket(map: Map<string, Bucket>, id: string): Bucket {
  let b = map.get(id);
  if (!b) {
    b = { open: new Set(), pending: 0, checkedAt: Number.NEGATIVE_INFINITY };
    map.set(id, b);
  }
  return b;
}

const used = (b: Bucket): number => b.open.size + b.pending;
