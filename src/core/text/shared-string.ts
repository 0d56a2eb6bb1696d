// One copy of an id that many long-lived structures hold. Every layer gets a handover's id from its
// own source — a generated one, a row the store sent back, a request — each a separate string of
// ~56 B with the same text, and a live chat's id sat in the engine's maps, its sessions and the
// API's open-handover counts as two or three such copies (issue 12, heap per handover).
//
// V8 keeps one copy of every property name (its string table, from which unused entries are
// cleared by the collector): a string used as a property name comes back from `for…in` as that
// copy. So equal ids passed here come back as one and the same string. Not for texts that look like
// array indexes ("42"), which are not names: those come back equal, but not shared.

/** `text`, as the one copy that every other caller of this function with the same text gets. */
export function sharedString(text: string): string {
  const holder: Record<string, 0> = { [text]: 0 };
  for (const name in holder) return name;
  return text;
}
