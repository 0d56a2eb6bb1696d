// A benchmark child process (the emulator, the raw relay, the socket floor) that prints
// `<name>: <url>` once it listens; stopped with SIGTERM (SIGKILL after a while).
import { spawn, type ChildProcess } from 'node:child_process';
import { sleep } from '../test/support/sleep.ts';

export class Child {
  readonly url: string;
  readonly #child: ChildProcess;
  #output: string;

  private constructor(child: ChildProcess, url: string, output: string) {
    this.#child = child;
    this.url = url;
    this.#output = output;
    child.stdout?.on('data', (d: Buffer) => (this.#output = (this.#output + d.toString()).slice(-16_384)));
    child.stderr?.on('data', (d: Buffer) => (this.#output = (this.#output + d.toString()).slice(-16_384)));
  }

  /** Starts `node [nodeArgs] --import tsx bench/<script> <json arg>` and waits for `<name>: <url>`. */
  static async start(
    script: string,
    name: string,
    arg: unknown,
    opts: { nodeArgs?: readonly string[]; timeoutMs?: number } = {},
  ): Promise<Child> {
    const child = spawn(
      process.execPath,
      [
        ...(opts.nodeArgs ?? []),
        '--import',
        'tsx',
        new URL(script, import.meta.url).pathname,
        JSON.stringify(arg),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const collect = (d: Buffer): void => void (output += d.toString());
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const re = new RegExp(`^${name}: (\\S+)$`, 'm');
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    for (;;) {
      const m = re.exec(output);
      if (m) {
        child.stdout.off('data', collect);
        child.stderr.off('data', collect);
        return new Child(child, m[1]!, output);
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${name} did not start:\n${output.slice(-2000)}`);
      }
      await sleep(20);
    }
  }

  get pid(): number {
    return this.#child.pid!;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  output(): string {
    return this.#output;
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    const exited = new Promise((r) => this.#child.once('exit', r));
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}
