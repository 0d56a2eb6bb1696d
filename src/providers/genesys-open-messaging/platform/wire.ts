// Wire schemas of the Platform API reads around a handover (OM doc §7): only the fields the gateway
// reads, everything else passes (Genesys adds fields over time). Listing envelope of §7.
import { z } from 'zod';

const listing = <T extends z.ZodType>(entity: T) =>
  z.object({
    entities: z.array(entity).default([]),
    pageNumber: z.number().optional(),
    pageCount: z.number().optional(),
    nextUri: z.string().nullish(),
  });

const named = z.object({ name: z.string() });

export const QueueListingSchema = listing(z.object({ id: z.string(), name: z.string() }));

/** `QueueMember` with `expand=skills,languages` (§7.3). */
export const QueueMemberListingSchema = listing(
  z.object({
    id: z.string(),
    joined: z.boolean().optional(),
    routingStatus: z.object({ status: z.string() }).optional(),
    user: z
      .object({
        skills: z.array(named).optional(),
        languages: z.array(named).optional(),
      })
      .optional(),
  }),
);

/** `EstimatedWaitTimePredictions` (§7.1). */
export const EstimatedWaitSchema = z.object({
  results: z
    .array(z.object({ estimatedWaitTimeSeconds: z.number(), formula: z.string().optional() }))
    .default([]),
});

/** `QueueObservationQueryResponse` (§7.2): the parts the gateway reads. */
export const ObservationResponseSchema = z.object({
  results: z
    .array(
      z.object({
        group: z.record(z.string(), z.string()).optional(),
        data: z
          .array(
            z.object({
              metric: z.string(),
              qualifier: z.string().optional(),
              stats: z.object({ count: z.number().optional() }).optional(),
              observations: z
                .array(
                  z.object({
                    observationDate: z.string(),
                    conversationId: z.string().optional(),
                    routingPriority: z.number().optional(),
                  }),
                )
                .optional(),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});
export type ObservationResponse = z.infer<typeof ObservationResponseSchema>;

const ref = z.object({ id: z.string() });

/** `ScheduleGroup` (§7.5). */
export const ScheduleGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: z.string().optional(),
  timeZone: z.string(),
  openSchedules: z.array(ref).default([]),
  closedSchedules: z.array(ref).default([]),
  holidaySchedules: z.array(ref).default([]),
});
export const ScheduleGroupListingSchema = listing(ScheduleGroupSchema);

/** `Schedule` (§7.5): local start/end without zone, optional RRULE. */
export const ScheduleSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: z.string().optional(),
  start: z.string(),
  end: z.string(),
  rrule: z.string().nullish(),
});
export type ScheduleWire = z.infer<typeof ScheduleSchema>;

/** `EmergencyGroup` (§7.5). */
export const EmergencyGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: z.string().optional(),
  enabled: z.boolean().default(false),
});
export const EmergencyGroupListingSchema = listing(EmergencyGroupSchema);
