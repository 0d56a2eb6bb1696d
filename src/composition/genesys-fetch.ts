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

/** Puts any fetch-shaped function under the budgets (identity when there is no budget). */
export type Budgeted = <I extends { readonly signal?: AbortSignal | null }, R>(
  inner: (input: string, init: I) => Promise<R>,
) => (input: string, init: I) => Promise<R>;

export interface GenesysHttp {
  /** Node's fetch under the budgets: Open Messaging and the Platform API reads. */
  readonly fetch: GenesysFetch;
  /** The same budgets around another HTTP function (the guest-chat client's pooled undici request). */
  readonly budgeted: Budgeted;
}

export function genesysHttp(
  settings: GatewayConfig['genesys'],
  time: { readonly clock: Clock; readonly scheduler: Scheduler },
): GenesysHttp {
  const plain: GenesysFetch = (input, init) => fetch(input, init);
  if (settings.requestsPerSecond === null) return { fetch: plain, budgeted: (inner) => inner };
  const budgets = new EnvironmentBudgets(
    { requestsPerSecond: settings.requestsPerSecond, burst: settings.burst },
    time,
  );
  return { fetch: budgets.wrap(plain), budgeted: (inner) => budgets.wrap(inner) };
}
