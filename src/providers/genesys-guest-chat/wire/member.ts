// WebChatMemberInfo and its paging envelope (protocol §6.5, §6.6, §7.1, §7.2).
import { z } from 'zod';
import { Id, MAX_NAME, capped, optional, webUrl } from './optional.ts';

export const MEMBER_ROLES = ['AGENT', 'CUSTOMER', 'WORKFLOW', 'ACD'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export const MEMBER_STATES = ['ALERTING', 'CONNECTED', 'DISCONNECTED'] as const;
export type MemberState = (typeof MEMBER_STATES)[number];

export const MemberRoleSchema = z.enum(MEMBER_ROLES);
export const MemberStateSchema = z.enum(MEMBER_STATES);

/**
 * A member as returned by GET member / list members. `id` and `role` are required (schema-required,
 * and the directory cannot classify a member without its role); everything else is optional.
 */
export const MemberInfoSchema = z.object({
  id: Id,
  role: MemberRoleSchema,
  displayName: optional(capped(MAX_NAME)),
  firstName: optional(capped(MAX_NAME)),
  lastName: optional(capped(MAX_NAME)),
  email: optional(z.string()),
  phoneNumber: optional(z.string()),
  avatarImageUrl: optional(webUrl),
  joinDate: optional(z.string()),
  leaveDate: optional(z.string()),
  authenticatedGuest: optional(z.boolean()),
  customFields: optional(z.record(z.string(), z.string())),
  state: optional(MemberStateSchema),
});

export type MemberInfo = z.output<typeof MemberInfoSchema>;

/** Standard Genesys paging envelope (§6.6); URIs were never observed (§5.3), so all optional. */
export const MemberPageSchema = z.object({
  entities: optional(z.array(MemberInfoSchema)).transform((v) => v ?? []),
  pageSize: optional(z.number().int()),
  pageNumber: optional(z.number().int()),
  total: optional(z.number().int()),
  pageCount: optional(z.number().int()),
  firstUri: optional(z.string()),
  nextUri: optional(z.string()),
  previousUri: optional(z.string()),
  lastUri: optional(z.string()),
  selfUri: optional(z.string()),
});

export type MemberPage = z.output<typeof MemberPageSchema>;
