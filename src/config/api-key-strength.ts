// How strong an API key is, judged when the configuration loads (docs/security.md, "API keys").
// A bearer key is the whole of a bot's authentication, so it must be unguessable: at least 128 bits
// by the estimate below, and none of the patterns people type by hand. The estimate is deliberately
// simple and documented, so an operator can tell in advance whether a key passes; `genesys-handover
// keygen` makes keys that always do (`ghk_` + 32 random bytes in base64url: 256 bits).
import { createHash, randomBytes } from 'node:crypto';

export const MIN_KEY_BITS = 128;
export const KEY_PREFIX = 'ghk_';
const MIN_DISTINCT = 8;
/** Words that mark a placeholder or a hand-made key (checked case-insensitively). */
const PLACEHOLDER_WORDS = ['change', 'example', 'password', 'secret', 'placeholder', 'replace'];

/** A new key: `ghk_` + base64url of 32 random bytes. */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes (docs/webhooks.md). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The SHA-256 of a key, as the 64 hex digits `keySha256` takes. */
export function apiKeySha256(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Why a key is too weak, for people (never the key itself), or nothing when it is strong enough.
 * The random part is the key without the `ghk_` prefix keygen writes (any other prefix counts).
 */
export function apiKeyProblems(key: string): string[] {
  if (!/^[\x21-\x7e]+$/.test(key)) return ['printable ASCII without spaces only (it goes in a header)'];
  const random = key.startsWith(KEY_PREFIX) ? key.slice(KEY_PREFIX.length) : key;
  const problems: string[] = [];
  const bits = estimatedBits(random);
  if (bits < MIN_KEY_BITS)
    problems.push(
      `too weak: about ${Math.floor(bits)} bits, at least ${MIN_KEY_BITS} needed (\`genesys-handover keygen\` makes one)`,
    );
  if (new Set(random).size < MIN_DISTINCT)
    problems.push(`low entropy: fewer than ${MIN_DISTINCT} different characters`);
  else if (isRepetition(random)) problems.push('low entropy: a repeated pattern');
  else if (isSequence(random)) problems.push('low entropy: mostly runs like "abcd", "1234" or "aaaa"');
  const lower = key.toLowerCase();
  if (PLACEHOLDER_WORDS.some((w) => lower.includes(w)))
    problems.push('looks like a placeholder or a made-up key (it contains a common word)');
  return problems;
}

/**
 * Length × log2 of the smallest usual alphabet holding every character: 10 (digits), 16 (hex digits
 * of one case), 36 (digits and letters of one case), 64 (base64url, or base64 without its `=`
 * padding), else 95 (printable ASCII). Hand-made strings are caught by the pattern checks, not here.
 */
function estimatedBits(random: string): number {
  const alphabets: [RegExp, number][] = [
    [/^[0-9]+$/, 10],
    [/^(?:[0-9a-f]+|[0-9A-F]+)$/, 16],
    [/^(?:[0-9a-z]+|[0-9A-Z]+)$/, 36],
    [/^(?:[A-Za-z0-9_-]+|[A-Za-z0-9+/]+=*)$/, 64],
  ];
  const unpadded = random.replace(/=+$/, '');
  const size = alphabets.find(([re]) => re.test(random))?.[1] ?? 95;
  return (size === 64 ? unpadded.length : random.length) * Math.log2(size);
}

/** The whole string is a shorter string over and over (`abc123abc123…`). */
function isRepetition(s: string): boolean {
  for (let period = 1; period <= s.length / 2; period++) {
    let repeats = true;
    for (let i = period; i < s.length && repeats; i++) repeats = s[i] === s[i - period];
    if (repeats) return true;
  }
  return false;
}

/**
 * Half the string or more is in runs of 4+ characters that step alike by 0 or ±1 (`aaaa`, `abcd`,
 * `4321`): typed, not drawn. A random key has such a run rarely, and never half of it.
 */
function isSequence(s: string): boolean {
  let covered = 0;
  let start = 0;
  for (let i = 1; i <= s.length; i++) {
    const step = i < s.length ? s.charCodeAt(i) - s.charCodeAt(i - 1) : Number.NaN;
    const runStep = i - start >= 2 ? s.charCodeAt(start + 1) - s.charCodeAt(start) : step;
    if (i < s.length && Math.abs(step) <= 1 && step === runStep) continue;
    if (i - start >= 4) covered += i - start;
    start = i < s.length && Math.abs(step) <= 1 ? i - 1 : i;
  }
  return covered * 2 >= s.length;
}
