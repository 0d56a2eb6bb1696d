// The seeded case generator of the fuzz tests (test/api/fuzz.test.ts over the core rig,
// test/e2e/fuzz-sqlite-postgres.test.ts over the real gateway on each store): garbled JSON, wrong
// types, the nasty-strings corpus, odd ids, cursors and headers. One seed, one sequence of cases.
import { SAFE_STRINGS, UNSAFE_STRINGS } from './nasty-strings.ts';
import { seededRandom } from './seeded-random.ts';

/** The seed of this run: FUZZ_SEED, else the clock. Printed by each test so a failure is reproducible. */
export function fuzzSeed(): number {
  return Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000_007);
}

/**
 * encodeURIComponent, except for a lone surrogate (which it refuses to encode, and which a slice of
 * an emoji produces): that goes as its 3 raw bytes (%ED%A0%80…), as a careless client would send it.
 */
export function encodeSegment(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    out +=
      cp >= 0xd800 && cp <= 0xdfff
        ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
            .map((b) => `%${b.toString(16).toUpperCase()}`)
            .join('')
        : encodeURIComponent(ch);
  }
  return out;
}

export const FUZZ_STRINGS: readonly string[] = [
  ...Object.values(SAFE_STRINGS),
  ...Object.values(UNSAFE_STRINGS),
  '',
  ' ',
  'a',
  'x'.repeat(300),
  '../../etc/passwd',
  '%00',
  '\u2028',
];

/** Every /v1 route, `:id` standing for a handover id. */
export const V1_ROUTES: readonly (readonly [string, string])[] = [
  ['POST', '/v1/handovers'],
  ['GET', '/v1/handovers'],
  ['GET', '/v1/handovers/:id'],
  ['GET', '/v1/handovers/:id/transcript'],
  ['POST', '/v1/handovers/:id/messages'],
  ['POST', '/v1/handovers/:id/typing'],
  ['POST', '/v1/handovers/:id/presence'],
  ['POST', '/v1/handovers/:id/end'],
  ['GET', '/v1/dead-letters'],
  ['POST', '/v1/dead-letters/replay'],
];

export const FUZZ_QUERIES: readonly string[] = [
  '',
  '?limit=2',
  '?limit=-1',
  '?limit=abc',
  '?state=active',
  '?cursor=%00',
  '?cursor=eyJ4Ijp9',
  '?endpoint=%ED%A0%80',
  '?unknown=1',
  '?limit=1&limit=2',
];

export class FuzzCases {
  readonly rnd: () => number;
  readonly #endpoint: string;

  /** `endpoint`: the endpoint id a well-formed start names. */
  constructor(seed: number, endpoint: string) {
    this.rnd = seededRandom(seed);
    this.#endpoint = endpoint;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }

  value(depth = 0): unknown {
    switch (Math.floor(this.rnd() * (depth > 2 ? 6 : 9))) {
      case 0:
        return this.pick(FUZZ_STRINGS);
      case 1:
        return Math.floor(this.rnd() * 2e9) - 1e9;
      case 2:
        return this.pick([true, false, null, 1.5, -0, 1e308]);
      case 3:
        return this.pick([
          this.#endpoint,
          'customer',
          'bot',
          'away',
          'back',
          'image/png',
          'https://x.test/a.png',
        ]);
      case 4:
        return this.pick(FUZZ_STRINGS).slice(0, 20);
      case 5:
        return undefined;
      case 6:
        return Array.from({ length: Math.floor(this.rnd() * 4) }, () => this.value(depth + 1));
      default: {
        const keys = [
          'endpoint',
          'customer',
          'userId',
          'sessionId',
          'displayName',
          'settings',
          'text',
          'role',
          'transcript',
          'attachments',
          'url',
          'mime',
          'status',
          'customAttributes',
          'skills',
          'priority',
          'handoverId',
          'eventId',
          '__proto__',
          'constructor',
          this.pick(FUZZ_STRINGS),
        ];
        const o: Record<string, unknown> = {};
        for (let i = Math.floor(this.rnd() * 5); i > 0; i -= 1) o[this.pick(keys)] = this.value(depth + 1);
        return o;
      }
    }
  }

  /** A request body: absent, broken JSON, a near-valid start or message, or any value. */
  body(): string | undefined {
    switch (Math.floor(this.rnd() * 6)) {
      case 0:
        return undefined;
      case 1:
        return this.pick(['{', '[]', 'null', '"x"', '{"a":1,}', '\u0000', '{"__proto__":{"x":1}}']);
      case 2:
        return JSON.stringify({
          endpoint: this.#endpoint,
          customer: {
            userId: this.pick(FUZZ_STRINGS),
            sessionId: 's',
            displayName: this.pick(FUZZ_STRINGS),
          },
          settings: this.value(),
          transcript: [{ role: this.pick(['bot', 'customer', 'x']), text: this.pick(FUZZ_STRINGS) }],
        });
      case 3:
        return JSON.stringify({
          text: this.pick(FUZZ_STRINGS),
          attachments: this.rnd() < 0.3 ? [this.value()] : undefined,
        });
      default:
        return JSON.stringify(this.value());
    }
  }

  /** A guest-chat event-stream frame (protocol §9): mostly the right shape, with garbage inside. */
  frame(conversationId: string): string {
    if (this.rnd() < 0.2) return this.pick(FUZZ_STRINGS);
    return JSON.stringify({
      topicName: this.pick([
        `v2.conversations.chats.${conversationId}.messages`,
        `v2.conversations.chats.${conversationId}.members`,
        'channel.metadata',
        this.pick(FUZZ_STRINGS),
      ]),
      metadata:
        this.rnd() < 0.8
          ? { type: this.pick(['message', 'typing-indicator', 'member-change', this.pick(FUZZ_STRINGS)]) }
          : this.value(),
      eventBody:
        this.rnd() < 0.5
          ? {
              id: this.pick(FUZZ_STRINGS),
              conversation: { id: conversationId },
              sender: { id: this.pick(FUZZ_STRINGS) },
              body: this.pick(FUZZ_STRINGS),
              bodyType: this.pick(['standard', 'notice', 'x']),
              timestamp: this.pick(FUZZ_STRINGS),
              member: this.value(),
            }
          : this.value(),
    });
  }

  /** An Open Messaging outbound webhook body (OM protocol §4): mostly the right shape, garbage inside. */
  webhook(): string {
    if (this.rnd() < 0.2) return this.pick(FUZZ_STRINGS);
    return JSON.stringify({
      id: this.pick(FUZZ_STRINGS),
      channel: this.value(),
      type: this.pick(['Text', 'Receipt', 'Event', 'x']),
      text: this.pick(FUZZ_STRINGS),
      content: this.value(),
      events: this.value(),
    });
  }
}
