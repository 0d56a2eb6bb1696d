// `GET /api/v2/users/{userId}` → `User` (SDK 262): what an agent is called and looks like (§4.6:
// the webhook names the integration, never the agent).
import { z } from 'zod';
import { Id, MAX_NAME, capped, list, optional, webUrl } from './common.ts';

export const UserImageSchema = z.object({
  resolution: optional(z.string()),
  imageUri: optional(webUrl),
});

export const UserSchema = z.object({
  id: Id,
  name: optional(capped(MAX_NAME)),
  preferredName: optional(capped(MAX_NAME)),
  images: list(UserImageSchema),
});
export type User = z.output<typeof UserSchema>;
