// What Linux says about a process, read from /proc: resident memory, CPU time, open files. The
// gateway runs as a child process so these numbers are its own (never the benchmark's).
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

let clockTicks: number | undefined;

/** Kernel clock ticks per second (`getconf CLK_TCK`, 100 almost everywhere). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Resident set size in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/** User + system CPU time the process (or one of its threads, `thread`) used so far, in seconds. */
export function cpuSeconds(pid: number, thread?: number): number {
  const stat = readFileSync(
    thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`,
    'utf8',
  );
  // Fields after the command name (which may contain spaces) — utime and stime are fields 14 and 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / ticksPerSecond();
}

/** Open file descriptors (sockets, the SQLite files, pipes …). */
export function openFiles(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** The soft limit of open files of a process (`Max open files` in /proc/<pid>/limits). */
export function openFilesLimit(pid: number | 'self' = 'self'): number {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return m?.[1] === undefined || m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

/** The pid of the process whose command line contains `fragment` (e.g. a unique config path). */
export function findPid(fragment: string): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmdline.includes(fragment)) return Number(name);
    } catch {
      /* gone meanwhile */
    }
  }
  return undefined;
}

/** CPU time of a process over a window, as a share of one core (1 = one core busy). */
export class CpuMeter {
  readonly #read: () => number;
  #cpu: number;
  #at: number;

  /** `thread`: one thread's CPU only (its id; the main thread's is the process id). */
  constructor(pid: number | 'self', thread?: number) {
    this.#read = pid === 'self' ? selfCpuSeconds : () => cpuSeconds(pid, thread);
    this.#cpu = this.#read();
    this.#at = performance.now();
  }

  /** CPU seconds used since the meter started. */
  get used(): number {
    return this.#read() - this.#cpu;
  }

  /** Share of a core since the meter started. */
  get share(): number {
    return this.used / ((performance.now() - this.#at) / 1000);
  }
}

function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
