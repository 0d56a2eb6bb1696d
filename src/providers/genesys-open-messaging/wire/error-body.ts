// Error bodies (protocol §1.4). Platform API: `{message, code, status, contextId, details, errors}`.
// Login service: `{error, description, error_description}`. Parsing is lenient: it only enriches an
// error that is thrown anyway.
import { z } from 'zod';
import { optional } from './common.ts';

export const PlatformErrorBodySchema = z.object({
  message: optional(z.string()),
  code: optional(z.string()),
  status: optional(z.number()),
  contextId: optional(z.string()),
});

/** §1.4: `401 {"error":"invalid_client","description":"authentication failed",...}`. */
export const OAuthErrorBodySchema = z.object({
  error: optional(z.string()),
  error_description: optional(z.string()),
  description: optional(z.string()),
});
