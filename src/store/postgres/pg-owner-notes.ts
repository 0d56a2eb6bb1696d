// The OwnerNotes port on PostgreSQL (ports/owner-notes.ts): a note is one NOTIFY with a small JSON
// payload (ids only — never a text), heard by every instance; the owner of the handover acts on it.
// A payload that does not parse (another version, a hand-made NOTIFY) is dropped.
import type pg from 'pg';
import { z } from 'zod';
import type { Unsubscribe } from '../../core/ports/notifier.ts';
import type { OwnerNote, OwnerNotes } from '../../core/ports/owner-notes.ts';
import type { PgListener } from './pg-listener.ts';

const id = z.string().min(1).max(200);
const noteSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('typing'), handoverId: id }),
  z.object({
    kind: z.literal('receipt'),
    handoverId: id,
    endpointId: id,
    eventId: id,
    messageId: id,
    outcome: z.enum(['delivered', 'failed']),
  }),
]) satisfies z.ZodType<OwnerNote>;

export class PgOwnerNotes implements OwnerNotes {
  readonly #pool: pg.Pool;
  readonly #listener: PgListener;
  readonly #channel: string;
  readonly #listeners = new Set<(note: OwnerNote) => void>();

  constructor(pool: pg.Pool, listener: PgListener, channel: string) {
    this.#pool = pool;
    this.#listener = listener;
    this.#channel = channel;
  }

  async start(): Promise<void> {
    await this.#listener.listen(this.#channel, (payload) => this.#heard(payload));
  }

  async tell(note: OwnerNote): Promise<void> {
    await this.#pool
      .query('SELECT pg_notify($1, $2)', [this.#channel, JSON.stringify(note)])
      .catch(() => undefined); // a hint: lost with the database, like a lost NOTIFY
  }

  onNote(listener: (note: OwnerNote) => void): Unsubscribe {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #heard(payload: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return;
    }
    const note = noteSchema.safeParse(parsed);
    if (!note.success) return;
    for (const listener of [...this.#listeners]) listener(note.data);
  }
}
