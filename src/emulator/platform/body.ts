// Parsing platform API bodies with zod, failures as Genesys ErrorBodies: a body that is not a JSON
// object → 400 bad.request "malformed syntax" (§6); a missing or mistyped field → 400 bad.request
// naming the field in the message and in `details[0].fieldName`.
import type { z } from 'zod';
import { platformErrors } from './errors.ts';

export function parsePlatformBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    if (body === undefined) throw platformErrors.invalidField('body', 'a request body is required');
    throw platformErrors.malformed();
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.join('.') ?? '';
  if (path === '') throw platformErrors.malformed();
  throw platformErrors.invalidField(path, issue?.message ?? 'is not valid');
}
