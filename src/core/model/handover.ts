// The handover aggregate: one bot conversation handed to a human agent. Provider-neutral — no
// Genesys words here (design §1: Open Messaging will plug in beside guest chat).

/** requested → queued → active ⇄ transferring → ended, and requested → failed (design §4). */
export const HandoverStates = ['requested', 'queued', 'active', 'transferring', 'ended', 'failed'] as const;
export type HandoverState = (typeof HandoverStates)[number];

/** A closed set: bots branch on it. Never add a reason without documenting it. */
export const EndReasons = [
  'agent_ended', // the agent (or the contact center) closed the chat
  'customer_ended', // the bot called POST /v1/handovers/{id}/end
  'customer_abandoned', // the customer was silent past the inactivity grace
  'no_agent_timeout', // no agent accepted within the endpoint's queue timeout
  'expired', // the endpoint's session duration ran out while idle
  'provider_error', // the contact center failed permanently or the event stream was lost past its grace
] as const;
export type EndReason = (typeof EndReasons)[number];

export const TERMINAL_STATES: ReadonlySet<HandoverState> = new Set(['ended', 'failed']);

export function isTerminal(state: HandoverState): boolean {
  return TERMINAL_STATES.has(state);
}

export interface Customer {
  readonly userId: string;
  readonly sessionId: string;
  readonly displayName: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly email?: string;
  readonly phoneNumber?: string;
}

/** Routing settings of the model (Cognigy's Genesys section): language, skills, priority, custom attributes. */
export interface RoutingSettings {
  readonly queue: string;
  readonly language?: string;
  readonly skills: readonly string[];
  readonly priority?: number;
  /** Reach the agent as the guest's custom fields; values are strings on the wire. */
  readonly customAttributes: Readonly<Record<string, string>>;
}

export interface AgentInfo {
  readonly id: string;
  readonly displayName?: string;
  readonly avatarUrl?: string;
}

export interface Failure {
  /** The provider's own error code (e.g. Genesys `chat.deployment.disabled`) or a gateway code. */
  readonly code: string;
  readonly message: string;
}

export interface Closing {
  readonly reason: EndReason;
  readonly message?: string;
  readonly failure?: Failure;
  readonly requestedAt: string;
}

export interface Handover {
  readonly id: string;
  readonly endpointId: string;
  /**
   * The name of the API key that started it: what the open-handover limit per key counts, rebuilt
   * from the store after a restart. Absent for handovers started before it was recorded.
   */
  readonly startedBy?: string;
  readonly customer: Customer;
  readonly settings: RoutingSettings;
  readonly state: HandoverState;
  readonly endReason?: EndReason;
  readonly failure?: Failure;
  /** The agent currently connected, if any. */
  readonly agent?: AgentInfo;
  /** An agent being offered the chat while another is connected (a transfer in progress). */
  readonly pendingAgentId?: string;
  /** Whether any agent has ever connected: tells "agent ended" from "ended before an agent came". */
  readonly agentEverJoined: boolean;
  /** Last sequence number handed to an event of this handover (events are numbered 1, 2, 3 …). */
  readonly lastSeq: number;
  /**
   * Set when an end was asked for (the bot's /end, an idle limit): the handover stays unended while
   * the customer's pending messages are sent, the provider conversation is left and a last catch-up
   * runs; then it ends with this reason. Persisted, so a restart finishes the job.
   */
  readonly closing?: Closing;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly endedAt?: string;
  /** Optimistic-concurrency version; the store rejects a write whose expected version is stale. */
  readonly version: number;
}
