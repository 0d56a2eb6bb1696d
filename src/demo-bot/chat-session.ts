// One browser's conversation, as the bot server keeps it: the timeline the page shows, the routing
// settings chosen in the page's form, and the handover in progress (if any). The page only ever gets
// these projections — never the API key, the handover's Genesys JWT, or anything else secret.
//
// A reload re-reads the timeline from here, which is why the history survives it without duplicates:
// every item has a stable id and a per-session sequence number (the page's SSE event id).
import { randomUUID } from 'node:crypto';
import type { AttachmentView } from './attachments.ts';

export type ItemKind = 'customer' | 'bot' | 'agent' | 'notice';

export interface AgentView {
  readonly name: string;
  readonly avatarUrl?: string;
}

export interface TimelineItem {
  readonly id: string;
  readonly seq: number;
  readonly kind: ItemKind;
  readonly text: string;
  readonly at: string;
  /** For agent messages (and agent notices): who. */
  readonly agent?: AgentView;
  /** Files an agent sent (only http(s) URLs); `text` may then be empty. */
  readonly attachments?: readonly AttachmentView[];
}

/** What the page shows above the composer. */
export type HandoverStatus =
  | { readonly mode: 'bot' }
  | { readonly mode: 'connecting' }
  | { readonly mode: 'queued'; readonly queue: string }
  | { readonly mode: 'agent'; readonly agent: AgentView }
  | { readonly mode: 'transferring'; readonly agent?: AgentView };

export interface RoutingChoice {
  /** The gateway endpoint ("Contact center") the next handover goes to. */
  readonly endpoint: string;
  readonly displayName: string;
  readonly language?: string;
  readonly skills: readonly string[];
  readonly priority?: number;
  readonly customAttributes: Readonly<Record<string, string>>;
}

export type PageUpdate =
  | { readonly type: 'item'; readonly item: TimelineItem }
  | { readonly type: 'status'; readonly status: HandoverStatus }
  | { readonly type: 'typing'; readonly typing: { readonly agent: AgentView; readonly expiresInMs: number } };

export interface ActiveHandover {
  readonly id: string;
  /** Stops following the handover's events (bot shutdown, session evicted). */
  readonly stop: AbortController;
  /** The agent who joined last (named in the end notice). */
  lastAgent?: AgentView;
  /** The last wait notice shown: an unchanged estimate is not repeated. */
  lastWait?: string;
}

/** A new session's settings; `endpoint` is the bot's default contact center. */
export function defaultChoice(endpoint: string): RoutingChoice {
  return {
    endpoint,
    displayName: 'Web visitor',
    language: 'English',
    skills: [],
    priority: 0,
    customAttributes: {},
  };
}

/** A timeline this long is plenty for a demo; older items are dropped so memory stays bounded. */
const MAX_ITEMS = 500;

export class ChatSession {
  /** The cookie value: secret, identifies the browser. */
  readonly id: string;
  /** Public id sent to the gateway as userId/sessionId — the cookie never leaves the bot server. */
  readonly customerId = randomUUID();
  settings: RoutingChoice;
  handover: ActiveHandover | undefined;
  lastSeen = Date.now();
  #status: HandoverStatus = { mode: 'bot' };
  #typing: { agent: AgentView; until: number } | undefined;
  readonly #items: TimelineItem[] = [];
  #seq = 0;
  /** Index into the timeline where the current bot phase began (its lines go to the agent on handover). */
  #botPhaseFrom = 0;
  readonly #listeners = new Set<(update: PageUpdate) => void>();
  #tail: Promise<void> = Promise.resolve();

  constructor(id: string, settings: RoutingChoice) {
    this.id = id;
    this.settings = settings;
  }

  get status(): HandoverStatus {
    return this.#status;
  }

  /**
   * A handover is being started or is running. The status counts too: while the start request is
   * out, `handover` is not set yet but the settings it uses are already sent.
   */
  get inHandover(): boolean {
    return this.handover !== undefined || this.#status.mode !== 'bot';
  }

  /** Page actions of one session run one after another (a message typed right after "agent" waits for the start). */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  add(
    kind: ItemKind,
    text: string,
    agent?: AgentView,
    attachments?: readonly AttachmentView[],
  ): TimelineItem {
    const item: TimelineItem = {
      id: randomUUID(),
      seq: ++this.#seq,
      kind,
      text,
      at: new Date().toISOString(),
      ...(agent ? { agent } : {}),
      ...(attachments?.length ? { attachments } : {}),
    };
    this.#items.push(item);
    if (this.#items.length > MAX_ITEMS) {
      this.#items.shift();
      this.#botPhaseFrom = Math.max(0, this.#botPhaseFrom - 1);
    }
    // The agent's message replaces their typing hint (protocol guidance: until the message or ~4 s).
    if (kind === 'agent') this.#typing = undefined;
    this.#emit({ type: 'item', item });
    return item;
  }

  setStatus(status: HandoverStatus): void {
    this.#status = status;
    if (status.mode !== 'agent') this.#typing = undefined;
    this.#emit({ type: 'status', status });
  }

  agentTyping(agent: AgentView, expiresInMs: number): void {
    this.#typing = { agent, until: Date.now() + expiresInMs };
    this.#emit({ type: 'typing', typing: { agent, expiresInMs } });
  }

  /** The typing hint still showing, with the time it has left (sent to a page that (re)connects). */
  currentTyping(): { agent: AgentView; expiresInMs: number } | undefined {
    if (!this.#typing) return undefined;
    const left = this.#typing.until - Date.now();
    return left > 0 ? { agent: this.#typing.agent, expiresInMs: left } : undefined;
  }

  /** Items after `seq` (all of them for 0): what a (re)connecting page has not shown yet. */
  itemsAfter(seq: number): TimelineItem[] {
    return this.#items.filter((i) => i.seq > seq);
  }

  /** The conversation with the bot since the last handover ended — the transcript the agent gets. */
  botTranscript(): { role: 'customer' | 'bot'; text: string; at: string }[] {
    return this.#items
      .slice(this.#botPhaseFrom)
      .filter(
        (i): i is TimelineItem & { kind: 'customer' | 'bot' } => i.kind === 'customer' || i.kind === 'bot',
      )
      .map((i) => ({ role: i.kind, text: i.text, at: i.at }));
  }

  /** A new bot phase begins (the handover ended): the next handover's transcript starts here. */
  startBotPhase(): void {
    this.#botPhaseFrom = this.#items.length;
  }

  subscribe(listener: (update: PageUpdate) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get subscribers(): number {
    return this.#listeners.size;
  }

  #emit(update: PageUpdate): void {
    this.lastSeen = Date.now();
    for (const listener of this.#listeners) listener(update);
  }
}
