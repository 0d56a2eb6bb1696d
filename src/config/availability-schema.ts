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
      .optional()
      .describe('Genesys Cloud region key or domain (or set baseUrl).'),
    baseUrl: url.optional().describe('Platform API base URL (instead of region; the emulator, a proxy).'),
    clientId: z.string().min(1).max(200).describe('OAuth client id (client credentials).'),
    clientSecret: z.string().min(1).max(500).describe('OAuth client secret.'),
    requestsPerMinute: z
      .number()
      .int()
      .min(1)
      .max(6000)
      .default(300)
      .describe("This client's Platform API budget (Genesys allows 300 per minute per token)."),
  })
  .strict()
  .refine((p) => (p.region === undefined) !== (p.baseUrl === undefined), {
    error: 'set exactly one of region or baseUrl',
  })
  .describe('Guest-chat endpoints: the OAuth client for the Platform API reads.');

export const availabilitySchema = z
  .object({
    hours: openingHoursSchema
      .optional()
      .describe("The endpoint's own opening hours (for contact centers without Genesys schedules)."),
    scheduleGroup: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('A Genesys schedule group, by name or id (OM doc §7.5).'),
    emergencyGroup: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('A Genesys emergency group, by name or id: while enabled, the endpoint is closed.'),
    platform: platformClient
      .optional()
      .describe('Guest-chat endpoints: the OAuth client for the Platform API reads.'),
    cacheSeconds: z
      .number()
      .min(1)
      .max(300)
      .default(5)
      .describe('One read of Genesys serves every bot call for this long (per endpoint).'),
    whenClosed: z
      .enum(['queue', 'refuse'])
      .default('queue')
      .describe(
        'POST /v1/handovers outside business hours: `queue` anyway, or `refuse` with ENDPOINT_CLOSED.',
      ),
    whenNoAgent: z
      .enum(['queue', 'refuse'])
      .default('queue')
      .describe(
        'POST /v1/handovers with no fitting agent available: `queue` anyway, or `refuse` with NO_AGENT_AVAILABLE.',
      ),
    waitEstimateIntervalSeconds: z
      .number()
      .min(0)
      .max(3600)
      .default(30)
      .describe('handover.wait_estimate events while a handover is queued: how often to look (0 = never).'),
  })
  .strict()
  .refine((a) => a.hours === undefined || a.scheduleGroup === undefined, {
    error: 'set hours or scheduleGroup, not both',
  })
  .refine((a) => a.emergencyGroup === undefined || a.scheduleGroup !== undefined, {
    error: 'emergencyGroup needs a scheduleGroup',
  })
  .describe('Business hours, agent availability and the handover policy around them (docs/availability.md).');
