// Building blocks of the Open Messaging wire schemas. Genesys is a Java service: an absent optional
// field may arrive as `null`, so `optional(s)` accepts absent, `null` or a valid value (→ undefined
// for the first two). zod's default objects strip unknown fields: extra fields are tolerated
// everywhere (§3.5 "unknown fields"), only what we rely on is required.
import { z } from 'zod';
import { capText, httpUrlOrUndefined } from '../../../core/text/safe-text.ts';

export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === null ? undefined : v), schema.optional());
}

/** Ids must never be empty. */
export const Id = z.string().min(1);

/** `{ id, name?, selfUri? }` (DomainEntityRef). */
export const EntityRefSchema = z.object({
  id: Id,
  name: optional(z.string()),
  selfUri: optional(z.string()),
});

/** string → string maps: root `metadata`, `customAttributes`, participant `attributes` (§6). */
export const StringMapSchema = z.record(z.string(), z.string());

/** An array that may be absent or `null` on the wire; always an array once parsed. */
export function list<T extends z.ZodType>(item: T) {
  return optional(z.array(item)).transform((v) => v ?? []);
}

/** The standard Genesys listing envelope (§7): `entities` plus paging fields, all optional. */
export function listing<T extends z.ZodType>(item: T) {
  return z.object({
    entities: list(item),
    pageSize: optional(z.number().int()),
    pageNumber: optional(z.number().int()),
    total: optional(z.number().int()),
    pageCount: optional(z.number().int()),
    nextUri: optional(z.string()),
    selfUri: optional(z.string()),
  });
}

/** Longest message text kept (Open Messaging takes 2,000–4,000 from agents): longer is cut, never refused. */
export const MAX_INBOUND_TEXT = 20_000;
/** Longest name kept (agent and user names, nicknames). */
export const MAX_NAME = 200;

/** A string from Genesys cut to `max` characters (docs/security.md: length caps). */
export const capped = (max: number) => z.string().transform((s) => capText(s, max));

/** An image or file URL: kept only when it is http(s); a `javascript:` or `data:` URL becomes absent. */
export const webUrl = z.string().transform((s) => httpUrlOrUndefined(s));
