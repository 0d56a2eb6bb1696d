// undici's Agent, loaded without the rest of undici. `import { Agent } from 'undici'` evaluates the
// whole package — fetch, WebSocket, EventSource, the cache, mock and proxy layers, ~100 files —
// at every start: ~100 ms on this machine, against ~37 ms for the Agent and the pool, client and
// connector it needs. A restart's delivery waits for start-up, and that was ~0.6 s of module
// loading in a 3 s budget (issue 12; bench/README.md, rounds twenty-one and twenty-three).
//
// Only the Agent's own dispatch API is used (src/http/dispatch-exchange.ts): the methods undici's
// index adds to every dispatcher (`request`, `stream`, …) are not needed. undici has no exports map,
// so its dispatcher module can be required by path; the path is not a public API, so should a later
// undici move it, the package's export is used instead — the same Agent, only a slower start
// (`agentSource` says which; a test holds the locked version to the fast one).
import { createRequire } from 'node:module';
import type { Agent as UndiciAgent } from 'undici';

const require = createRequire(import.meta.url);

function load(): { agent: typeof UndiciAgent; source: 'dispatcher module' | 'package' } {
  try {
    const agent: unknown = require('undici/lib/dispatcher/agent.js');
    // A module of that name that is not (or no longer) the Agent class is not used either.
    if (isDispatcherClass(agent)) return { agent, source: 'dispatcher module' };
  } catch {
    // Moved or gone in this undici: the package's export below.
  }
  return { agent: (require('undici') as typeof import('undici')).Agent, source: 'package' };
}

function isDispatcherClass(value: unknown): value is typeof UndiciAgent {
  return (
    typeof value === 'function' &&
    typeof (value as { prototype?: { dispatch?: unknown } }).prototype?.dispatch === 'function'
  );
}

const loaded = load();

/** undici's Agent class (a keep-alive pool per origin). */
export const Agent = loaded.agent;
export type Agent = UndiciAgent;

/** Where the Agent came from: its own module (fast start) or undici's index (the fallback). */
export const agentSource = loaded.source;
