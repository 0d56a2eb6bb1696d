// The demo bot's "brain": a few canned answers and the handover trigger. Deliberately tiny — a real
// bot (Botpress, Rasa, Cognigy…) puts its NLU here; everything else in this folder stays the same.

export type BotIntent =
  | { readonly kind: 'reply'; readonly text: string }
  /** The customer asked for a person: start a handover. */
  | { readonly kind: 'handover' };

export const GREETING =
  'Hi! I am the demo bot. Ask me about our opening hours or what I can do — or type "agent" to talk to a person.';

export const HELLO = 'Hello! How can I help? I know our opening hours — or type "agent" to talk to a person.';

export const HELP =
  'I can tell you our opening hours and where to find us. Type "agent" (or press "Talk to an agent") and I will hand you over to a person; you can change the routing settings first.';

export const HOURS =
  'Our agents are available Monday to Friday, 8:00 to 18:00 (CET). The demo agents never sleep.';

export const LOCATION = 'We are online only — this chat is the best place to reach us.';

export const THANKS = 'You are welcome! Anything else?';

export const FALLBACK =
  'Sorry, I did not get that. Try "help", "opening hours", or type "agent" to talk to a person.';

const HANDOVER_WORDS = /\b(agent|human|person|someone|representative|operator)\b/i;

export function understand(text: string): BotIntent {
  const t = text.trim().toLowerCase();
  if (HANDOVER_WORDS.test(t)) return { kind: 'handover' };
  if (/^(hi|hello|hey|good (morning|afternoon|evening)|bonjour|hallo|hola)\b/.test(t)) return reply(HELLO);
  if (/\b(help|what can you do|options|menu)\b/.test(t)) return reply(HELP);
  if (/\b(hours?|open|opening|closed?|when)\b/.test(t)) return reply(HOURS);
  if (/\b(where|address|location|office)\b/.test(t)) return reply(LOCATION);
  if (/\b(thanks?|thank you|merci|danke)\b/.test(t)) return reply(THANKS);
  return reply(FALLBACK);
}

const reply = (text: string): BotIntent => ({ kind: 'reply', text });

/** POST /v1/handovers answered ENDPOINT_CLOSED (docs/availability.md). */
export function closedReply(nextOpening: string | undefined): string {
  const when = nextOpening === undefined ? undefined : new Date(nextOpening);
  return when && !Number.isNaN(when.getTime())
    ? `Our agents are not available right now. We open again on ${when.toUTCString().replace(' GMT', ' UTC')} — I am happy to help meanwhile.`
    : 'Our agents are not available right now. Please try again later — I am happy to help meanwhile.';
}

/** POST /v1/handovers answered NO_AGENT_AVAILABLE. */
export const NO_AGENT =
  'No agent who fits your request (language and skills) is available right now. Please try again in a little while, or change the routing settings.';

/** A handover.wait_estimate event as a notice for the customer. */
export function waitNotice(estimate: {
  readonly estimatedWaitSeconds?: number | undefined;
  readonly position?: number | undefined;
}): string | undefined {
  const parts: string[] = [];
  if (estimate.position !== undefined)
    parts.push(
      estimate.position === 1
        ? 'You are next in the queue'
        : `You are number ${estimate.position} in the queue`,
    );
  if (estimate.estimatedWaitSeconds !== undefined) {
    const minutes = Math.round(estimate.estimatedWaitSeconds / 60);
    parts.push(
      estimate.estimatedWaitSeconds < 60
        ? 'an agent should be with you in less than a minute'
        : `the estimated wait is about ${minutes} minute${minutes === 1 ? '' : 's'}`,
    );
  }
  if (parts.length === 0) return undefined;
  const text = parts.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
