// The client-credentials token answer (protocol §1.3): the SDK reads only `access_token` and
// `expires_in` (seconds); `token_type` is "bearer" in some casing [I]. No refresh token in this grant.
import { z } from 'zod';
import { optional } from './common.ts';

export const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: optional(z.string()),
  // §1.3: 5 min – 48 h on real orgs; any positive number is accepted (the emulator may use seconds).
  expires_in: z.number().positive(),
});
