// A garbage collection on demand in the gateway child, without touching the gateway: the child runs
// with `--inspect=127.0.0.1:0`, and this client asks V8 over the DevTools protocol to collect
// garbage, then reads `process.memoryUsage()` — so heap per handover counts live objects only.
import WebSocket from 'ws';

export class Inspector {
  readonly #ws: WebSocket;
  #next = 1;
  readonly #pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
      };
      const p = msg.id === undefined ? undefined : this.#pending.get(msg.id);
      if (!p) return;
      this.#pending.delete(msg.id!);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    });
  }

  /** The `ws://…` URL a `--inspect` process printed ("Debugger listening on ws://…"), if it did. */
  static urlIn(output: string): string | undefined {
    const all = [...output.matchAll(/Debugger listening on (ws:\/\/\S+)/g)];
    return all.at(-1)?.[1];
  }

  static async connect(url: string): Promise<Inspector> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new Inspector(ws);
  }

  call(method: string, params: Record<string, unknown> = {}): Promise<any> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Two full collections (the second frees what the first's finalizers released), then the heap. */
  async heapAfterGc(): Promise<{ heapUsed: number; rss: number; external: number }> {
    await this.call('HeapProfiler.collectGarbage');
    await this.call('HeapProfiler.collectGarbage');
    const r = await this.call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    });
    return JSON.parse(r.result.value as string);
  }

  close(): void {
    this.#ws.close();
  }
}
