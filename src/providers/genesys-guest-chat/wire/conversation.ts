// Create conversation request and response (protocol §5.1, §6.1–§6.4, §6.11).
import { z } from 'zod';
import { Id, optional } from './optional.ts';
import { MemberRoleSchema } from './member.ts';

/** Request body of `POST /api/v2/webchat/guest/conversations` (§6.1). Sent as-is. */
export interface CreateConversationRequest {
  readonly organizationId: string;
  readonly deploymentId: string;
  readonly routingTarget: {
    /** §6.2: the only value is `QUEUE` (production also accepted `queue`, §4). */
    readonly targetType: 'QUEUE';
    /** The queue **name**, not its id (§5.1). */
    readonly targetAddress: string;
    readonly skills?: readonly string[];
    readonly language?: string;
    readonly priority?: number;
  };
  readonly memberInfo: {
    readonly displayName: string;
    readonly firstName?: string;
    readonly lastName?: string;
    readonly email?: string;
    readonly phoneNumber?: string;
    readonly avatarImageUrl?: string;
    /** Values must be strings (§6.3). */
    readonly customFields?: Readonly<Record<string, string>>;
  };
  /** For deployments requiring authenticated guests (§3.1). A secret, like the JWT. */
  readonly memberAuthToken?: string;
  readonly journeyContext?: {
    readonly customer: { readonly id: string; readonly idType: string };
    readonly customerSession?: { readonly id: string; readonly type: string };
    readonly triggeringAction?: {
      readonly id: string;
      readonly actionMap: { readonly id: string; readonly version: number };
    };
  };
}

/**
 * Create response (§6.4). All four fields are needed to continue, so they are required; the real
 * service returned `member` as just `{ id }` although the schema requires `role` (§6.4 [O S11]).
 */
export const CreateConversationResponseSchema = z.object({
  id: Id,
  jwt: z.string().min(1),
  eventStreamUri: z.string().regex(/^wss?:\/\//i, 'must be a ws:// or wss:// URI'),
  member: z.object({ id: Id, role: optional(MemberRoleSchema) }),
});
