// The agent's side of bot → agent traffic: the emulator's agent feed (`GET /emulator/v1/events`,
// Server-Sent Events), which reports every message the moment the emulator stores it. Customer
// messages go to the current `Arrivals`.
import type { Arrivals } from './arrivals.ts';

export class AgentView {
  /** Where customer messages are counted; swap it per measurement. */
  arrivals: Arrivals | undefined;
  /** Why the feed broke off, if it did. */
  error: Error | undefined;
  readonly #abort = new AbortController();
  readonly #done: Promise<void>;

  private constructor(emulatorUrl: string, opened: () => void) {
    this.#done = this.#read(emulatorUrl, opened);
  }

  static async open(emulatorUrl: string): Promise<AgentView> {
    let opened!: () => void;
    const ready = new Promise<void>((r) => (opened = r));
    const view = new AgentView(emulatorUrl, opened);
    await ready;
    return view;
  }

  async close(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }

  async #read(emulatorUrl: string, opened: () => void): Promise<void> {
    try {
      const res = await fetch(`${emulatorUrl}/emulator/v1/events`, { signal: this.#abort.signal });
      opened();
      if (!res.body) return;
      const decoder = new TextDecoder();
      let buffer = '';
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const at = performance.now();
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!frame.startsWith('event: message\n')) continue;
          const data = frame.slice(frame.indexOf('data: ') + 6);
          const event = JSON.parse(data) as {
            message: { senderRole?: string; body: string; bodyType: string };
          };
          if (event.message.senderRole === 'CUSTOMER' && event.message.bodyType === 'standard')
            this.arrivals?.arrived(event.message.body, at);
        }
      }
    } catch (err) {
      opened();
      if (!this.#abort.signal.aborted) this.error = err instanceof Error ? err : new Error(String(err));
    }
  }
}
