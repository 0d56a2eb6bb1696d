// The `fetch` every Genesys REST client of the gateway uses — guest chat, Open Messaging and the
// Platform API reads of availability: one request budget per Genesys environment (API origin),
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

export type GenesysFetch = (input: string, init: RequestInit) => Promise<Response>;

export function genesysFetch(
  settings: GatewayConfig['genesys'],
  time: { readonly clock: Clock; readonly scheduler: Scheduler },
): GenesysFetch {
  const plain: GenesysFetch = (input, init) => fetch(input, init);
  if (settings.requestsPerSecond === null) return plain;
  return new EnvironmentBudgets(
    { requestsPerSecond: settings.requestsPerSecond, burst: settings.burst },
    time,
  ).wrap(plain);
}
