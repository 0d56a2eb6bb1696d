// Co-browse / screen-share media requests (protocol §5.9, §6.13). Deprecated by Genesys in 2024.
import { z } from 'zod';
import { Id, optional } from './optional.ts';

export const MEDIA_REQUEST_TYPES = ['COBROWSE', 'SCREENSHARE'] as const;
export const MEDIA_REQUEST_STATES = [
  'PENDING',
  'ACCEPTED',
  'DECLINED',
  'TIMEDOUT',
  'CANCELLED',
  'ERRORED',
] as const;
export type MediaRequestType = (typeof MEDIA_REQUEST_TYPES)[number];
export type MediaRequestState = (typeof MEDIA_REQUEST_STATES)[number];

export const MediaRequestSchema = z.object({
  id: Id,
  name: optional(z.string()),
  types: z.array(z.enum(MEDIA_REQUEST_TYPES)),
  state: z.enum(MEDIA_REQUEST_STATES),
  communicationId: optional(z.string()),
  securityKey: optional(z.string()),
  selfUri: optional(z.string()),
});

export type MediaRequest = z.output<typeof MediaRequestSchema>;

/** §6.13: `entities` only, no paging fields. */
export const MediaRequestListSchema = z.object({
  entities: optional(z.array(MediaRequestSchema)).transform((v) => v ?? []),
});

/** PATCH body: the guest answers a request by setting its state (§5.9). */
export interface MediaRequestUpdate {
  readonly types: readonly MediaRequestType[];
  readonly state: MediaRequestState;
  readonly communicationId?: string;
  readonly securityKey?: string;
}
