// Open SSE streams per API key and per handover: each stream holds a socket and a follow of the
// event log, so a key (or a loop in a bot) cannot open thousands.
import { GatewayError } from '../../core/errors.ts';

export class StreamSlots {
  readonly #byKey = new Map<string, number>();
  readonly #byHandover = new Map<string, number>();

  /** Takes a slot or throws 429 LIMIT_REACHED; the returned function gives it back (once). */
  take(
    key: { readonly id: string; readonly max: number },
    handover: { readonly id: string; readonly max: number },
  ): () => void {
    if ((this.#byKey.get(key.id) ?? 0) >= key.max)
      throw new GatewayError('LIMIT_REACHED', {
        message: `This API key has ${key.max} open event streams, its limit.`,
      });
    if ((this.#byHandover.get(handover.id) ?? 0) >= handover.max)
      throw new GatewayError('LIMIT_REACHED', {
        message: `This handover has ${handover.max} open event streams, its limit.`,
      });
    add(this.#byKey, key.id, 1);
    add(this.#byHandover, handover.id, 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      add(this.#byKey, key.id, -1);
      add(this.#byHandover, handover.id, -1);
    };
  }
}

function add(map: Map<string, number>, id: string, delta: number): void {
  const n = (map.get(id) ?? 0) + delta;
  if (n <= 0) map.delete(id);
  else map.set(id, n);
}
