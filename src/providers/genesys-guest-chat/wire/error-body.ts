// ErrorBody (protocol §6.14, §11.2). Every field is optional in the contract; parsing is lenient
// because this is only used to enrich an error that is thrown anyway.
import { z } from 'zod';
import { optional } from './optional.ts';

export const ErrorBodySchema = z.object({
  message: optional(z.string()),
  code: optional(z.string()),
  status: optional(z.number()),
  messageWithParams: optional(z.string()),
  messageParams: optional(z.record(z.string(), z.string())),
  contextId: optional(z.string()),
});
