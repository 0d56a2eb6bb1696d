// Genesys (a Java service) may send `null` for an absent optional field; the swagger marks nearly
// everything optional (protocol §6). `optional(s)` accepts absent, `null` or a valid value and
// yields `undefined` for the first two. Unknown extra fields are stripped by zod's default objects.
import { z } from 'zod';
import { capText, httpUrlOrUndefined } from '../../../core/text/safe-text.ts';

export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === null ? undefined : v), schema.optional());
}

/** A non-empty string: ids must never be empty. */
export const Id = z.string().min(1);

/** `{ id }` references, e.g. `conversation` and `sender` in events (§9.2). Extra fields ignored. */
export const IdRef = z.object({ id: Id });

/** Longest message body kept (Genesys' own limit is 4,000, §6.9): a longer one is cut, never refused. */
export const MAX_INBOUND_BODY = 20_000;
/** Longest name kept (display, first, last). */
export const MAX_NAME = 200;

/** A string from Genesys cut to `max` characters (docs/security.md: length caps). */
export const capped = (max: number) => z.string().transform((s) => capText(s, max));

/** An avatar URL: kept only when it is http(s); a `javascript:` or `data:` URL becomes absent. */
export const webUrl = z.string().transform((s) => httpUrlOrUndefined(s));
