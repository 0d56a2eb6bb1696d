// The contact centers the page offers under "Contact center": gateway endpoints this bot's API key
// may use, each with a label for people (the page never shows ids). The first one is the default.
import { z } from 'zod';

export interface DemoEndpoint {
  /** The gateway endpoint id, sent as `endpoint` in `POST /v1/handovers` (e.g. `demo`). */
  readonly id: string;
  /** What the page shows, e.g. `Guest chat`. */
  readonly label: string;
}

const endpointList = z
  .array(
    z.strictObject({
      id: z.string().trim().min(1).max(64),
      label: z.string().trim().min(1).max(100),
    }),
  )
  .min(1, 'at least one endpoint is needed')
  .refine((list) => new Set(list.map((e) => e.id)).size === list.length, {
    error: 'endpoint ids must be unique',
  });

/**
 * Checks the list given to `startDemoBot` (a wrong one is a programming error: thrown at start, not
 * found later by a customer). Returns a copy the caller can no longer change.
 */
export function checkEndpoints(endpoints: readonly DemoEndpoint[]): readonly DemoEndpoint[] {
  const result = endpointList.safeParse(endpoints);
  if (!result.success) throw new TypeError(`demo bot endpoints: ${z.prettifyError(result.error)}`);
  return Object.freeze(result.data.map((e) => Object.freeze({ ...e })));
}
