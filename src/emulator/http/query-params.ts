// Query-string parsing shared by the guest and platform APIs. §4 (guest-chat doc): the SDK sends
// every declared parameter, unset ones as empty values, so an empty value means "absent"; a bad value
// is 400 invalid.query.param.value naming the parameter.
import { z } from 'zod';
import { guestErrors } from '../errors.ts';

export const absent = (v: unknown): unknown => (v === '' ? undefined : v);
export const intParam = (min: number, max: number) =>
  z.preprocess(
    absent,
    z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(min).max(max)).optional(),
  );
export const boolParam = z.preprocess(
  absent,
  z
    .string()
    .regex(/^(true|false)$/i)
    .transform((v) => v.toLowerCase() === 'true')
    .optional(),
);
export const stringParam = z.preprocess(absent, z.string().optional());

export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.infer<T> {
  const result = schema.safeParse(query ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue?.path[0] ?? 'query');
  const raw = (query as Record<string, unknown> | undefined)?.[name];
  throw guestErrors.invalidQuery(name, Array.isArray(raw) ? raw.join(',') : String(raw));
}
