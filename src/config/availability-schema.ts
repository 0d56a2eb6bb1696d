// Availability settings of an endpoint (docs/availability.md): business hours — the endpoint's own
// or a Genesys schedule group — and what a handover does outside them.
import { z } from 'zod';
import { openingHoursSchema } from './hours-schema.ts';

export const availabilitySchema = z
  .object({
    /** The endpoint's own opening hours (for contact centers without Genesys schedules). */
    hours: openingHoursSchema.optional(),
  })
  .strict();
