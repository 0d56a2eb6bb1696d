// A garbage collection on demand in the gateway child, without touching the gateway: the child runs
// with `--inspect=127.0.0.1:0`, and this client asks V8 over the DevTools protocol to collect
// garbage, then reads `process.memoryUsage()` — so heap per handover counts live objects only.
// It also takes heap snapshots for a census (`BENCH_SCALE_CENSUS=1`, scale.ts), and samples what a
// relay allocates while it relays (`BENCH_RELAY_ALLOC=1`, relay.ts).
import WebSocket from 'ws';

/** What a relay allocated during a run: all of it (sampled), and where most of it was allocated. */
export interface Allocations {
  readonly bytes: number;
  /** Largest first: the deepest frame of the relay's own code (else the allocating one), and bytes. */
  readonly sites: readonly { readonly site: string; readonly bytes: number }[];
}

interface SamplingNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}

/** Live objects by `type:name` (constructor, closure, string kind): how many, and their own bytes. */
export type HeapCensus = Map<string, { count: number; bytes: number }>;

export class Inspector {
  readonly #ws: WebSocket;
  #next = 1;
  readonly #pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  #chunks: string[] = [];

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as {
        id?: number;
        method?: string;
        params?: { chunk?: string };
        result?: unknown;
        error?: { message: string };
      };
      if (msg.method === 'HeapProfiler.addHeapSnapshotChunk') this.#chunks.push(msg.params?.chunk ?? '');
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
    const ws = new WebSocket(url, { maxPayload: 1 << 30 });
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

  /**
   * A heap snapshot after two collections, counted by `type:name` (strings by kind; code, hidden
   * and synthetic nodes by type). Strings longer than 40 characters are counted as `string:<long>`.
   */
  async census(): Promise<HeapCensus> {
    await this.call('HeapProfiler.collectGarbage');
    await this.call('HeapProfiler.collectGarbage');
    this.#chunks = [];
    await this.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    const snap = JSON.parse(this.#chunks.join('')) as {
      snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
      nodes: number[];
      strings: string[];
    };
    this.#chunks = [];
    const fields = snap.snapshot.meta.node_fields;
    const types = snap.snapshot.meta.node_types[0];
    const [w, ti, ni, si] = [fields.length, ...['type', 'name', 'self_size'].map((f) => fields.indexOf(f))];
    const out: HeapCensus = new Map();
    for (let i = 0; i < snap.nodes.length; i += w) {
      const type = types[snap.nodes[i + ti!]!]!;
      const name = snap.strings[snap.nodes[i + ni!]!]!;
      const key = ['object', 'closure', 'native'].includes(type)
        ? `${type}:${name}`
        : type === 'string' && name.length > 40
          ? 'string:<long>'
          : type;
      const e = out.get(key) ?? { count: 0, bytes: 0 };
      e.count += 1;
      e.bytes += snap.nodes[i + si!]!;
      out.set(key, e);
    }
    return out;
  }

  /**
   * V8's sampling heap profiler around `run`, counting objects collected meanwhile too (without
   * those flags it reports only what is still alive): one sample per ~8 KiB allocated, so the total
   * is an estimate, good to a few percent over hundreds of MB. `own` tells the relay's own code
   * (a script URL) from libraries and Node.
   */
  async allocations<T>(
    run: () => Promise<T>,
    own: (url: string) => boolean,
  ): Promise<{ result: T; allocations: Allocations }> {
    await this.call('HeapProfiler.enable');
    await this.call('HeapProfiler.startSampling', {
      samplingInterval: 8192,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    const stop = (): Promise<{ profile: { head: SamplingNode } }> => this.call('HeapProfiler.stopSampling');
    let result: T;
    try {
      result = await run();
    } catch (err) {
      await stop().catch(() => undefined);
      throw err;
    }
    const { profile } = await stop();
    const bySite = new Map<string, number>();
    let bytes = 0;
    const walk = (node: SamplingNode, owner: string | undefined): void => {
      const f = node.callFrame;
      const here = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(dist-bench|bench|node_modules)\//, '$1/')}:${f.lineNumber + 1}`;
      const site = own(f.url) ? here : owner;
      if (node.selfSize > 0) {
        bytes += node.selfSize;
        const key = site ?? here;
        bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize);
      }
      for (const child of node.children) walk(child, site);
    };
    walk(profile.head, undefined);
    const sites = [...bySite]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([site, b]) => ({ site, bytes: b }));
    return { result, allocations: { bytes, sites } };
  }

  close(): void {
    this.#ws.close();
  }
}
