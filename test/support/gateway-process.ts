// The gateway as a user runs it — `genesys-handover serve --config <file>`, by default from the
// sources (scripts/cli-from-source.mjs, so no build is needed; the benchmark runs the built CLI) — in a child
// process, so a test can `kill -9` it mid-traffic, SIGTERM it, and start it again on the SAME SQLite
// file and the SAME port (a bot keeps its configured URL across a crash). The config is written to a
// temp dir; the emulator and webhook receiver it points at live in the test process. 127.0.0.1 only.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './sleep.ts';

const BIN = new URL('../../scripts/cli-from-source.mjs', import.meta.url).pathname;
const MAX_OUTPUT = 256 * 1024;
/** Debugging a long run (e.g. the chaos test): every gateway's whole output is appended to this file. */
const OUTPUT_FILE = process.env.GH_TEST_OUTPUT_FILE;

export interface GatewayProcessOptions {
  /**
   * The gateway configuration. `server.host`, `server.port` and `server.logLevel` are filled in
   * (127.0.0.1, a fixed free port); `store` defaults to a temp SQLite file.
   */
  readonly config: Record<string, unknown>;
  /** Extra environment of the child (e.g. `GH__…` overrides). */
  readonly env?: Readonly<Record<string, string>>;
  /** pino level of the child. Default: `$GH_TEST_LOG` or `warn`. */
  readonly logLevel?: string;
  /** How long to wait for the `gateway: <url>` line. Default 30 s. */
  readonly startTimeoutMs?: number;
  /**
   * The port, when the test needs it before the gateway starts (e.g. an Open Messaging integration
   * of the emulator posts to the gateway's webhook route). Default: a free port picked here.
   */
  readonly port?: number;
  /**
   * The CLI script the child runs. Default: the sources through tsx (scripts/cli-from-source.mjs).
   * The benchmark passes the built `bin/genesys-handover.js`: what users run, without tsx's loader
   * thread and source maps (bench/rig.ts).
   */
  readonly bin?: string;
  /** Options for `node` itself, before the script (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
  readonly nodeArgs?: readonly string[];
}

export interface ExitResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** From the signal to the exit, ms (only ever checked against an upper bound). */
  readonly ms: number;
}

/** A free TCP port on 127.0.0.1 (picked once; a restart reuses it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export class GatewayProcess {
  readonly dir: string;
  readonly configPath: string;
  readonly dbPath: string;
  readonly port: number;
  readonly #opts: GatewayProcessOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> = Promise.resolve({
    code: null,
    signal: null,
  });
  #output = '';
  /** What the current run printed so far (for the `gateway: <url>` line). */
  #runOutput = '';
  #starts = 0;

  private constructor(opts: GatewayProcessOptions, dir: string, port: number) {
    this.#opts = opts;
    this.dir = dir;
    this.port = port;
    this.dbPath = join(dir, 'gateway.db');
    this.configPath = join(dir, 'gateway.json');
    const config = {
      store: { kind: 'sqlite', path: this.dbPath },
      ...opts.config,
      server: {
        ...(opts.config.server as Record<string, unknown> | undefined),
        host: '127.0.0.1',
        port,
        logLevel: opts.logLevel ?? process.env.GH_TEST_LOG ?? 'warn',
      },
    };
    writeFileSync(this.configPath, JSON.stringify(config, null, 2));
  }

  /** Writes the config, starts the child and waits until it printed its URL. */
  static async start(opts: GatewayProcessOptions): Promise<GatewayProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'gh-proc-'));
    const gw = new GatewayProcess(opts, dir, opts.port ?? (await freePort()));
    try {
      await gw.#spawn();
    } catch (err) {
      await gw.close();
      throw err;
    }
    return gw;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** How many times the process was started (1 after start()). */
  get starts(): number {
    return this.#starts;
  }

  /** Everything the child printed (stdout and stderr, all runs, the last 256 KiB). */
  output(): string {
    return this.#output;
  }

  /** `kill -9`: no shutdown code runs; resolves once the process is gone. */
  async kill9(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.#exited;
  }

  /** SIGTERM, then waits for the exit (bounded: SIGKILL after `timeoutMs`, reported as signal SIGKILL). */
  async sigterm(timeoutMs = 30_000): Promise<ExitResult> {
    const child = this.#child;
    if (!child) throw new Error('gateway process is not running');
    const t0 = Date.now();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const { code, signal } = await this.#exited;
    clearTimeout(timer);
    return { code, signal, ms: Date.now() - t0 };
  }

  /**
   * SIGSTOP: the process is frozen — connections are accepted by the kernel but nothing is answered,
   * like a gateway stuck in a long pause. `resume()` (SIGCONT) lets it go on where it stopped.
   */
  pause(): void {
    if (!this.#child) throw new Error('gateway process is not running');
    this.#child.kill('SIGSTOP');
  }

  /** SIGCONT after `pause()`. */
  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  /** Starts the gateway again on the same config, SQLite file and port (kill it first). */
  async restart(): Promise<void> {
    if (this.#child) throw new Error('gateway process still running: kill9() or sigterm() it first');
    await this.#spawn();
  }

  /** Kills the child if it still runs and removes the temp dir. Idempotent. */
  async close(): Promise<void> {
    await this.kill9();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #spawn(): Promise<void> {
    this.#log(`\n--- start #${this.#starts + 1} ---\n`);
    this.#runOutput = '';
    const child = spawn(
      process.execPath,
      [...(this.#opts.nodeArgs ?? []), this.#opts.bin ?? BIN, 'serve', '--config', this.configPath],
      {
        cwd: this.dir,
        env: { ...process.env, ...this.#opts.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.#child = child;
    this.#starts += 1;
    child.stdout.on('data', (d: Buffer) => this.#log(d.toString()));
    child.stderr.on('data', (d: Buffer) => this.#log(d.toString()));
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        if (this.#child === child) this.#child = undefined;
        this.#log(`\n--- exit code=${String(code)} signal=${String(signal)} ---\n`);
        resolve({ code, signal });
      });
    });
    const deadline = Date.now() + (this.#opts.startTimeoutMs ?? 30_000);
    const re = /^gateway: (http:\/\/\S+)$/m;
    for (;;) {
      const m = re.exec(this.#runOutput);
      if (m && m[1] === this.url) return;
      if (m) throw new Error(`gateway printed ${m[1]} instead of ${this.url}`);
      if (!this.running) throw new Error(`gateway exited during start-up:\n${this.tail()}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        await this.#exited;
        throw new Error(`gateway did not print its URL in time:\n${this.tail()}`);
      }
      await sleep(25);
    }
  }

  /** The last lines of output, for failure messages. */
  tail(chars = 4000): string {
    return this.#output.slice(-chars);
  }

  #log(text: string): void {
    if (OUTPUT_FILE) appendFileSync(OUTPUT_FILE, text);
    if (this.#runOutput.length < 64 * 1024) this.#runOutput += text;
    this.#output += text;
    if (this.#output.length > MAX_OUTPUT) this.#output = this.#output.slice(-MAX_OUTPUT / 2);
  }
}

/** Runs a one-shot `genesys-handover …` command (e.g. `dead-letters list --config <file>`) to its exit. */
export async function runGatewayCli(
  args: readonly string[],
  opts: { env?: Readonly<Record<string, string>>; timeoutMs?: number; cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}
