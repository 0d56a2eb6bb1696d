// The machine a run happened on, and how busy it was: results are only comparable on the same
// machine at a similar load (other work on a 2-core box halves what any relay gets).
import { execFileSync } from 'node:child_process';
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { openFilesLimit } from './procfs.ts';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  /** `ulimit -n` of this process (children inherit it). */
  readonly openFilesLimit: number;
  readonly commit: string;
}

export interface Load {
  readonly at: string;
  /** 1, 5 and 15 minute load averages. */
  readonly loadavg: readonly number[];
  readonly freeMemoryGiB: number;
}

export function machine(): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: gib(totalmem()),
    kernel: release(),
    node: process.version,
    openFilesLimit: openFilesLimit(),
    commit: commit(),
  };
}

export function load(): Load {
  return {
    at: new Date().toISOString(),
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
    freeMemoryGiB: gib(freemem()),
  };
}

function gib(bytes: number): number {
  return Math.round((bytes / 2 ** 30) * 10) / 10;
}

function commit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { encoding: 'utf8' }).trim();
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return 'unknown';
  }
}
