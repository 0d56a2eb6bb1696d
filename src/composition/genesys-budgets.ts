// The request budget every Genesys REST client of the gateway waits in — guest chat, Open Messaging
// and the Platform API reads of availability: one budget per Genesys environment (API origin),
// shared by all of them (`genesys.requestsPerSecond`, src/time/request-budget.ts). Genesys limits
// what an organisation's clients may send to its environment (guest-chat protocol §11.3: the limits
// are not published for guest chat; Open Messaging §1.4: 300 requests a minute per OAuth token, which
// each client's own bucket keeps), so a burst of a thousand handover starts, or a restart's catch-ups,
// must not become a thousand requests in the same second. A 429 is still handled where it was (each
// client honours Retry-After): this budget only keeps the gateway from asking for one.
import type { GatewayConfig } from '../config/schema.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { Scheduler } from '../core/ports/scheduler.ts';
import { EnvironmentBudgets } from '../time/request-budget.ts';

/** Puts any fetch-shaped function under the budgets (identity when there is no budget). */
export type Budgeted = <I extends { readonly signal?: AbortSignal | null }, R>(
  inner: (input: string, init: I) => Promise<R>,
) => (input: string, init: I) => Promise<R>;

/**
 * The budgets, to wrap each client's HTTP exchange in: every Genesys client of the gateway brings
 * its own pooled undici exchange (src/http/pooled-request.ts — not Node's fetch: issue 12).
 */
export function genesysBudgets(
  settings: GatewayConfig['genesys'],
  time: { readonly clock: Clock; readonly scheduler: Scheduler },
): Budgeted {
  if (settings.requestsPerSecond === null) return (inner) => inner;
  const budgets = new EnvironmentBudgets(
    { requestsPerSecond: settings.requestsPerSecond, burst: settings.burst },
    time,
  );
  return (inner) => budgets.wrap(inner);
}
