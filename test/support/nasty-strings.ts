// One corpus of hostile-but-legal and illegal strings, shared by the store contract, the API and
// provider edge tests, the e2e test and the fuzzer. `unsafe` ones must never reach a store as they
// are (the bot API refuses them, provider input gets U+FFFD); `safe` ones must round-trip exactly.
export const UNSAFE_STRINGS = {
  nul: 'poison\u0000nul',
  onlyNul: '\u0000',
  loneHigh: 'lone \uD83D high',
  loneLow: 'lone \uDE00 low',
  reversedPair: 'reversed \uDE00\uD83D pair',
  trailingHigh: 'trailing \uD83D',
} as const;

export const SAFE_STRINGS = {
  rtl: '\u202Eevil\u202C \u200Fשלום\u200E مرحبا',
  zwjEmoji: 'family 👨‍👩‍👧‍👦 and 🏳️‍🌈',
  fourByte: '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠜎𠜱 🙂',
  controls: 'tab\tnew\nline\rbell\u0007 del\u007f',
  combining: 'Z̴̡̪a̶l̷g̸o e\u0301',
  zeroWidth: 'zero\u200Bwidth\uFEFFbom',
  sqlish: "Robert'); DROP TABLE handovers;-- \\ %_ $1",
  jsonish: '{"__proto__":{"x":1}} </script>',
  long4000: 'é'.repeat(1000) + '🙂'.repeat(500) + 'a'.repeat(2000),
} as const;

/** What the provider edges make of an unsafe string: each NUL / lone surrogate becomes U+FFFD. */
export function replaced(text: string): string {
  return text.replace(/\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
