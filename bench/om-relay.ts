// Throughput over Open Messaging — the path live Genesys orgs use for "the bot owns the channel, an
// agent takes over" — measured as `relay.ts` measures guest chat: the same load, rounds and rows,
// against `raw-om-relay.ts`. Bot → agent: the gateway's inbound messages (OM §3.1), counted by the
// emulator's agent feed; agent → bot: Genesys' outbound webhook calls (OM §4.1, signed, in any order)
// to the gateway's webhook route, then the gateway's webhooks to the bot.
import { config, type BenchConfig } from './config.ts';
import { relayRows, runRelay, type RelayPath } from './relay.ts';
import type { Results, RowSpec } from './report.ts';
import { startWorld } from './rig.ts';

const OPEN_MESSAGING: RelayPath = {
  part: 'om-relay',
  label: 'Open Messaging ',
  startWorld: () => startWorld({}, { openMessaging: true }),
  callRows: true,
  agentWindow: config.omWindow,
};

export const omRelayRows = (c: BenchConfig): RowSpec[] => relayRows(c, OPEN_MESSAGING);

/** `npm run bench -- om-relay`. */
export const runOmRelay = (results: Results): Promise<void> => runRelay(results, OPEN_MESSAGING);
