// Availability settings of an endpoint (docs/availability.md): business hours — the endpoint's own
// or a Genesys schedule group (+ emergency group) — agent availability and wait estimates from the
// Genesys Platform API, and what POST /v1/handovers does outside hours or with no agent.
import { z } from 'zod';
import { GENESYS_CLOUD_REGIONS } from '../providers/genesys-cloud/regions.ts';
import { openingHoursSchema } from './hours-schema.ts';

const url = z.url({ protocol: /^https?$/ });

/**
 * The OAuth client for Platform API reads of a guest-chat endpoint (Open Messaging endpoints use
 * their own `genesys` client). Needs routing:queue:view, analytics:queueObservation:view and, for
 * business hours, routing:scheduleGroup:view, routing:schedule:view, routing:emergencyGroup:view.
 */
const platformClient = z
  .object({
    region: z
      .string()
      .refine(
        (r) =>
          Object.hasOwn(GENESYS_CLOUD_REGIONS, r) ||
          Object.values(GENESYS_CLOUD_REGIONS).includes(r as never),
        { error: 'a Genesys Cloud region key (e.g. eu_central_1) or domain (e.g. mypurecloud.de)' },
      )
      .optional(),
    baseUrl: url.optional(),
    clientId: z.string().min(1).max(200),
    clientSecret: z.string().min(1).max(500),
    requestsPerMinute: z.number().int().min(1).max(6000).default(300),
  })
  .strict()
  .refine((p) => (p.region === undefined) !== (p.baseUrl === undefined), {
    error: 'set exactly one of region or baseUrl',
  });

export const availabilitySchema = z
  .object({
    /** The endpoint's own opening hours (for contact centers without Genesys schedules). */
    hours: openingHoursSchema.optional(),
    /** A Genesys schedule group, by name or id (OM doc §7.5). */
    scheduleGroup: z.string().min(1).max(200).optional(),
    /** A Genesys emergency group, by name or id: while enabled, the endpoint is closed. */
    emergencyGroup: z.string().min(1).max(200).optional(),
    /** Guest-chat endpoints: the OAuth client for the Platform API reads. */
    platform: platformClient.optional(),
    /** One read of Genesys serves every bot call for this long (per endpoint). */
    cacheSeconds: z.number().min(1).max(300).default(5),
    /** POST /v1/handovers outside business hours: `queue` anyway, or `refuse` with ENDPOINT_CLOSED. */
    whenClosed: z.enum(['queue', 'refuse']).default('queue'),
    /** POST /v1/handovers with no fitting agent available: `queue` anyway, or `refuse` with NO_AGENT_AVAILABLE. */
    whenNoAgent: z.enum(['queue', 'refuse']).default('queue'),
    /** handover.wait_estimate events while a handover is queued: how often to look (0 = never). */
    waitEstimateIntervalSeconds: z.number().min(0).max(3600).default(30),
  })
  .strict()
  .refine((a) => a.hours === undefined || a.scheduleGroup === undefined, {
    error: 'set hours or scheduleGroup, not both',
  })
  .refine((a) => a.emergencyGroup === undefined || a.scheduleGroup !== undefined, {
    error: 'emergencyGroup needs a scheduleGroup',
  });
