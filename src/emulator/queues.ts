// Queue and agent directory. Genesys routes a guest chat to a queue *by name* (§5.1 — "targetAddress
// must be the queue name, not its GUID"); an unknown name is 400 chat.error.invalid.queue.
// Skills and languages are what §6.2 WebChatRoutingTarget lets the guest ask for.

export interface AgentConfig {
  /** Display name shown to the guest (GET member, §5.2). */
  readonly name: string;
  /** Skill names this agent has; a chat asking for skills is routed only to agents having all of them. */
  readonly skills?: readonly string[];
  /** Languages this agent speaks (names like "English" or tags like "en"/"en-US"; compared loosely). */
  readonly languages?: readonly string[];
  /** Absolute avatar URL; when absent the emulator serves a generated SVG for this agent. */
  readonly avatarImageUrl?: string;
  /** Chats this agent handles at once (default: EmulatorOptions.agentCapacity). */
  readonly capacity?: number;
}

export interface QueueConfig {
  readonly name: string;
  readonly agents: readonly AgentConfig[];
}

export const DEFAULT_QUEUES: readonly QueueConfig[] = [
  {
    name: 'Support',
    agents: [
      { name: 'Alice Moreau', skills: ['general', 'technical'], languages: ['English', 'French'] },
      {
        name: 'Bruno Schmidt',
        skills: ['general', 'technical', 'escalation'],
        languages: ['English', 'German'],
      },
      { name: 'Chen Wei', skills: ['general'], languages: ['English', 'Chinese'] },
    ],
  },
  {
    name: 'Sales',
    agents: [
      { name: 'Dana Rossi', skills: ['general', 'sales'], languages: ['English', 'Italian', 'Spanish'] },
      { name: 'Emeka Okafor', skills: ['general', 'sales', 'enterprise'], languages: ['English'] },
    ],
  },
  {
    name: 'Billing',
    agents: [
      {
        name: 'Freya Lindqvist',
        skills: ['general', 'billing'],
        languages: ['English', 'Swedish', 'German'],
      },
      {
        name: 'Gabriel Haddad',
        skills: ['general', 'billing', 'refunds'],
        languages: ['English', 'Arabic', 'French'],
      },
    ],
  },
];

const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  ar: 'arabic',
  de: 'german',
  en: 'english',
  es: 'spanish',
  fr: 'french',
  it: 'italian',
  ja: 'japanese',
  nl: 'dutch',
  pl: 'polish',
  pt: 'portuguese',
  sv: 'swedish',
  zh: 'chinese',
};

/**
 * §6.2 says `language` is a "language name" but samples differ (names, tags); the emulator compares
 * loosely: case-insensitive, a BCP-47 tag's primary subtag maps to its English name ("en-US" = "English").
 */
export function normalizeLanguage(language: string): string {
  const lower = language.trim().toLowerCase();
  const primary = lower.split(/[-_]/)[0] ?? lower;
  return LANGUAGE_NAMES[primary] ?? lower;
}

export function normalizeSkill(skill: string): string {
  return skill.trim().toLowerCase();
}
