// The handover state machine (design §4) as a pure function: (handover, input) → (handover', events,
// transcript lines). No I/O, no clock, no ids: the service adds those. Transitions are idempotent —
// Genesys repeats member-change events with unchanged state (protocol §7.2, §9.6) — and a transfer
// never ends a handover: an agent leaving while the customer stays connected is a transfer (§9.6 step 6).
import type { Attachment } from '../model/attachment.ts';
import type { PendingEvent } from '../model/events.ts';
import { TYPING_EXPIRY_MS } from '../model/events.ts';
import type { AgentInfo, Handover } from '../model/handover.ts';
import { isTerminal } from '../model/handover.ts';
import type { SenderRole } from '../model/transcript.ts';
import type { Participant, ProviderEvent } from '../ports/provider.ts';
import type { LifecycleInput } from './inputs.ts';

/** A transcript line the service should persist (it adds id and handoverId). */
export interface TranscriptLineDraft {
  readonly role: SenderRole;
  readonly text: string;
  readonly at: string;
  readonly senderName?: string;
  readonly providerMessageId?: string;
  readonly attachments?: readonly Attachment[];
}

export interface Transition {
  readonly handover: Handover;
  readonly events: readonly PendingEvent[];
  readonly transcript: readonly TranscriptLineDraft[];
  /** Our own message echoed by the provider: the engine confirms the matching pending send with it. */
  readonly ownEcho?: { readonly providerMessageId: string; readonly text: string };
}

const unchanged = (handover: Handover): Transition => ({ handover, events: [], transcript: [] });

export function transition(handover: Handover, input: LifecycleInput): Transition {
  if (isTerminal(handover.state)) return unchanged(handover);
  switch (input.kind) {
    case 'attached':
      return handover.state === 'requested'
        ? {
            handover: { ...handover, state: 'queued' },
            events: [{ type: 'handover.queued', data: { queue: handover.settings.queue } }],
            transcript: [],
          }
        : unchanged(handover);
    case 'wait_estimate':
      // Only while waiting for an agent: once one joined, an estimate is news of the past.
      if (handover.state !== 'queued') return unchanged(handover);
      return {
        handover,
        events: [
          {
            type: 'handover.wait_estimate',
            data: {
              ...(input.estimatedWaitSeconds === undefined
                ? {}
                : { estimatedWaitSeconds: input.estimatedWaitSeconds }),
              ...(input.position === undefined ? {} : { position: input.position }),
            },
          },
        ],
        transcript: [],
      };
    case 'start_failed':
      return {
        handover: { ...handover, state: 'failed', failure: input.failure },
        events: [{ type: 'handover.failed', data: { error: input.failure } }],
        transcript: [],
      };
    case 'end_requested':
      if (handover.closing) return unchanged(handover);
      return {
        handover: {
          ...handover,
          closing: {
            reason: input.reason,
            requestedAt: input.at,
            ...(input.message === undefined ? {} : { message: input.message }),
          },
        },
        events: [],
        transcript: [],
      };
    case 'terminate':
      return end(handover, input.reason, input.message, input.failure);
    case 'provider_event':
      return onProviderEvent(handover, input.event);
  }
}

function end(
  handover: Handover,
  reason: Handover['endReason'] & string,
  message?: string,
  failure?: Handover['failure'],
): Transition {
  const { agent: _agent, pendingAgentId: _pending, ...rest } = handover;
  return {
    handover: { ...rest, state: 'ended', endReason: reason, ...(failure ? { failure } : {}) },
    events: [
      {
        type: 'handover.ended',
        data: {
          reason,
          ...(message === undefined ? {} : { message }),
          ...(failure ? { error: failure } : {}),
        },
      },
    ],
    transcript: [],
  };
}

function onProviderEvent(handover: Handover, event: ProviderEvent): Transition {
  switch (event.type) {
    case 'participant':
      return onParticipant(handover, event.participant, event.state);
    case 'typing':
      if (event.own || event.participant.role !== 'agent') return unchanged(handover);
      return {
        handover,
        events: [
          {
            type: 'handover.agent_typing',
            data: {
              agent: agentInfo(event.participant, handover),
              expiresInMs: event.durationMs ?? TYPING_EXPIRY_MS,
            },
          },
        ],
        transcript: [],
      };
    case 'message':
      return onMessage(handover, event);
  }
}

function onMessage(handover: Handover, event: Extract<ProviderEvent, { type: 'message' }>): Transition {
  if (event.own) {
    // Our own message echoed (protocol §5.6): never delivered back to the bot (design §5).
    return {
      handover,
      events: [],
      transcript: [],
      ownEcho: { providerMessageId: event.providerMessageId, text: event.text },
    };
  }
  const attachments = event.attachments?.length ? { attachments: event.attachments } : {};
  if (event.text.trim().length === 0 && !attachments.attachments)
    return { handover, events: [], transcript: [] };
  const line = { text: event.text, at: event.at, providerMessageId: event.providerMessageId, ...attachments };
  if (event.participant.role === 'agent' && event.kind === 'text') {
    const agent = agentInfo(event.participant, handover);
    return {
      handover,
      events: [
        {
          type: 'handover.agent_message',
          data: { messageId: event.providerMessageId, text: event.text, agent, ...attachments },
        },
      ],
      transcript: [
        { ...line, role: 'agent', ...(agent.displayName ? { senderName: agent.displayName } : {}) },
      ],
    };
  }
  if (event.participant.role === 'customer') {
    // Another customer-side writer (not us) is not expected in guest chat; keep it in the transcript only.
    return { handover, events: [], transcript: [{ ...line, role: 'customer' }] };
  }
  return {
    handover,
    events: [
      {
        type: 'handover.system_message',
        data: {
          messageId: event.providerMessageId,
          text: event.text,
          source: event.kind === 'notice' ? 'notice' : 'system',
          ...attachments,
        },
      },
    ],
    transcript: [{ ...line, role: 'system' }],
  };
}

function onParticipant(
  handover: Handover,
  p: Participant,
  state: 'alerting' | 'connected' | 'disconnected',
): Transition {
  if (p.role === 'customer') {
    // The customer leaving without the bot asking: the contact center closed the chat. While the
    // handover is closing, it is our own leave: the closing flow ends the handover with its reason.
    if (state !== 'disconnected' || handover.closing) return unchanged(handover);
    return handover.agentEverJoined
      ? end(handover, 'agent_ended')
      : end(handover, 'provider_error', 'The contact center closed the chat before an agent joined.');
  }
  if (p.role !== 'agent') return unchanged(handover);
  // While closing, agents leave because the customer left (our own leave): the end says it all.
  if (handover.closing && state === 'disconnected') return unchanged(handover);
  const current = handover.agent;
  switch (state) {
    case 'alerting': {
      // A second agent offered while one is connected: a transfer has begun (§9.6 step 6).
      if (!current || current.id === p.id || handover.pendingAgentId === p.id) return unchanged(handover);
      return {
        handover: { ...handover, state: 'transferring', pendingAgentId: p.id },
        events: [{ type: 'handover.transferred', data: { from: current, to: agentInfo(p, handover) } }],
        transcript: [],
      };
    }
    case 'connected': {
      if (current?.id === p.id) {
        // Repeated CONNECTED (agent switching chats, §7.2): nothing happened — unless we learned the name now.
        return unchanged(handover);
      }
      const joined = agentInfo(p, handover);
      const events: PendingEvent[] = [];
      // A new agent without a preceding ALERTING while another agent was (or had been) on the chat is a transfer too.
      if (handover.agentEverJoined && handover.pendingAgentId !== p.id) {
        events.push({
          type: 'handover.transferred',
          data: { ...(current ? { from: current } : {}), to: joined },
        });
      }
      if (current) events.push({ type: 'handover.agent_left', data: { agent: current } });
      events.push({ type: 'handover.agent_joined', data: { agent: joined } });
      const { pendingAgentId: _pending, ...rest } = handover;
      return {
        handover: { ...rest, state: 'active', agent: joined, agentEverJoined: true },
        events,
        transcript: [],
      };
    }
    case 'disconnected': {
      if (handover.pendingAgentId === p.id) {
        // The offered agent declined or timed out; the current agent (if any) stays.
        const { pendingAgentId: _pending, ...rest } = handover;
        return {
          handover: {
            ...rest,
            state: rest.agent ? 'active' : rest.state === 'transferring' ? 'queued' : rest.state,
          },
          events: [],
          transcript: [],
        };
      }
      if (current?.id !== p.id) return unchanged(handover);
      // The connected agent left. Whether this is an end or a transfer is decided by what follows:
      // the customer DISCONNECTED (end) or another agent CONNECTED (transfer). Until then: transferring.
      const { agent: _agent, ...rest } = handover;
      return {
        handover: { ...rest, state: 'transferring' },
        events: [{ type: 'handover.agent_left', data: { agent: current } }],
        transcript: [],
      };
    }
  }
}

function agentInfo(p: Participant, handover: Handover): AgentInfo {
  const known = handover.agent?.id === p.id ? handover.agent : undefined;
  const displayName = p.displayName ?? known?.displayName;
  const avatarUrl = p.avatarUrl ?? known?.avatarUrl;
  return { id: p.id, ...(displayName ? { displayName } : {}), ...(avatarUrl ? { avatarUrl } : {}) };
}
