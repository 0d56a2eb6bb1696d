// Types of throwaway-postgres.mjs (a plain script the test command runs without a loader).
export interface ThrowawayPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication). */
  readonly url: string;
  /** The server's (postmaster's) process id; its backends are its children. */
  readonly serverPid: number;
  /** Stops the server and removes its directory (once; later calls do nothing). */
  stop(): void;
}

export function startThrowawayPostgres(options?: {
  /** false (default): fsync, synchronous commit and full-page writes off. */
  readonly durable?: boolean;
}): Promise<ThrowawayPostgres>;
