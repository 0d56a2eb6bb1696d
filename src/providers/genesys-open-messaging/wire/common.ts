// Building blocks of the Open Messaging wire schemas. Genesys is a Java service: an absent optional
// field may arrive as `null`, so `optional(s)` accepts absent, `null` or a valid value (→ undefined
// for the first two). zod's default objects strip unknown fields: extra fields are tolerated
// everywhere (§3.5 "unknown fields"), only what we rely on is required.
import { z } from 'zod';

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
