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

/**
 * Bytes a process caused to be written to storage so far (`write_bytes` of /proc/<pid>/io: counted
 * when it dirties a page of a file, so a page written twice before it reaches the disk counts
 * twice — SQLite's write-ahead log and its checkpoints, PostgreSQL's WAL and data files). Sockets and
 * pipes are not storage and do not count. Undefined when the process is gone.
 */
export function writtenBytes(pid: number): number | undefined {
  try {
    const m = /^write_bytes:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** `root` and every process whose parent it is (one level: PostgreSQL's server and its backends). */
export function withChildren(root: number): number[] {
  const pids = [root];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The parent's pid is the second field after the command name (which may contain spaces).
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === root) pids.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

/**
 * Storage writes of a set of processes over a window (the set read again at the end: a backend
 * started meanwhile counts from zero; one that exited meanwhile is missed).
 */
export class DiskWriteMeter {
  readonly #pids: () => readonly number[];
  readonly #start = new Map<number, number>();

  constructor(pids: () => readonly number[]) {
    this.#pids = pids;
    for (const pid of pids()) {
      const bytes = writtenBytes(pid);
      if (bytes !== undefined) this.#start.set(pid, bytes);
    }
  }

  /** Bytes written since the meter started. */
  get bytes(): number {
    let total = 0;
    for (const pid of this.#pids()) {
      const bytes = writtenBytes(pid);
      if (bytes === undefined) continue;
      const before = this.#start.get(pid);
      // Less than before: the pid is another process's now (this window's whole count).
      total += before !== undefined && bytes >= before ? bytes - before : bytes;
    }
    return total;
  }
}
