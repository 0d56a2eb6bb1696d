// Genesys (a Java service) may send `null` for an absent optional field; the swagger marks nearly
// everything optional (protocol §6). `optional(s)` accepts absent, `null` or a valid value and
// yields `undefined` for the first two. Unknown extra fields are stripped by zod's default objects.
import { z } from 'zod';

export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === null ? undefined : v), schema.optional());
}

/** A non-empty string: ids must never be empty. */
export const Id = z.string().min(1);

/** `{ id }` references, e.g. `conversation` and `sender` in events (§9.2). Extra fields ignored. */
export const IdRef = z.object({ id: Id });
