// `GET /api/v2/users/{userId}` → `User` (SDK 262): what an agent is called and looks like (§4.6:
// the webhook names the integration, never the agent).
import { z } from 'zod';
import { Id, list, optional } from './common.ts';

export const UserImageSchema = z.object({
  resolution: optional(z.string()),
  imageUri: optional(z.string()),
});

export const UserSchema = z.object({
  id: Id,
  name: optional(z.string()),
  preferredName: optional(z.string()),
  images: list(UserImageSchema),
});
export type User = z.output<typeof UserSchema>;
