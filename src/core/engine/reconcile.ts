// Reconciliation of sends whose outcome is unknown (a timeout, a dropped connection, a 5xx, a crash
// mid-call): the provider may have the message already. Our own messages in the provider's history
// that no transcript line claims yet are matched, in order and by text, to the pending lines; a
// matched line is confirmed instead of sent again. Matching by text is exact for the common case and
// safe for repeated texts: each history message is claimed once, in order, and a pending line with
// no match means none after it reached the provider either (sends go out one at a time, in order).
import type { TranscriptEntry } from '../model/transcript.ts';

export interface OwnMessage {
  readonly providerMessageId: string;
  readonly text: string;
}

export function matchOwnMessages(
  pending: readonly TranscriptEntry[],
  claimed: ReadonlySet<string>,
  history: Iterable<OwnMessage>,
): { entryId: string; providerMessageId: string }[] {
  const unclaimed = new Map<string, string[]>();
  for (const m of history) {
    if (claimed.has(m.providerMessageId)) continue;
    const list = unclaimed.get(m.text) ?? [];
    list.push(m.providerMessageId);
    unclaimed.set(m.text, list);
  }
  const matches: { entryId: string; providerMessageId: string }[] = [];
  for (const line of pending) {
    const providerMessageId = unclaimed.get(line.text)?.shift();
    if (!providerMessageId) break;
    matches.push({ entryId: line.id, providerMessageId });
  }
  return matches;
}
