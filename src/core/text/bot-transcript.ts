// Formats the bot conversation so far as readable text for the agent, chunked under the provider's
// message limit. Each chunk is self-explanatory ("Bot conversation (1/3)") so an agent reading them
// in a busy desktop knows there is more. Lines are never split across chunks unless one line alone
// is longer than a chunk.
import { splitMessage } from './split-message.ts';

export interface BotTranscriptLine {
  readonly role: 'customer' | 'bot';
  readonly text: string;
  readonly at?: string;
}

const HEADER_ROOM = 40; // "Bot conversation (12/12):\n" and a margin

export function formatBotTranscript(
  lines: readonly BotTranscriptLine[],
  opts: { maxLength: number; customerName: string; botName?: string },
): string[] {
  const usable = lines.filter((l) => l.text.trim().length > 0);
  if (usable.length === 0) return [];
  const budget = opts.maxLength - HEADER_ROOM;
  const rendered = usable.flatMap((l) => {
    const who = l.role === 'customer' ? opts.customerName : (opts.botName ?? 'Bot');
    const time = l.at ? ` ${formatTime(l.at)}` : '';
    return splitMessage(`[${who}${time}] ${l.text.trim()}`, budget);
  });
  const chunks: string[] = [];
  let current = '';
  for (const line of rendered) {
    if (current.length > 0 && current.length + 1 + line.length > budget) {
      chunks.push(current);
      current = '';
    }
    current = current.length > 0 ? `${current}\n${line}` : line;
  }
  if (current.length > 0) chunks.push(current);
  return chunks.map((c, i) => `Bot conversation (${i + 1}/${chunks.length}):\n${c}`);
}

function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(11, 16);
}
