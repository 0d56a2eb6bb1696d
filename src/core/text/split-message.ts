// Splits a long text into ordered parts that each fit a provider's message limit (guest chat: 4,000
// characters, protocol §6.9). Splits on word boundaries; a single "word" longer than the limit (a
// URL, a base64 blob) is cut hard. Counting is by UTF-16 code units, like the limit itself, but a
// surrogate pair is never cut in half.

export function splitMessage(text: string, maxLength: number): string[] {
  if (!Number.isInteger(maxLength) || maxLength < 1)
    throw new RangeError('maxLength must be a positive integer');
  if (text.length <= maxLength) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > maxLength) {
    let cut = lastBreakBefore(rest, maxLength);
    if (cut <= 0) cut = safeHardCut(rest, maxLength);
    const head = rest.slice(0, cut).trimEnd();
    if (head.length > 0) parts.push(head);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}

/** Index just after the last whitespace that keeps the head within `max`, or 0 when there is none. */
function lastBreakBefore(text: string, max: number): number {
  for (let i = max; i > 0; i--) {
    if (/\s/.test(text.charAt(i))) return i;
  }
  return 0;
}

function safeHardCut(text: string, max: number): number {
  const code = text.charCodeAt(max - 1);
  const isHighSurrogate = code >= 0xd800 && code <= 0xdbff;
  return isHighSurrogate ? max - 1 : max;
}
