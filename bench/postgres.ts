// The PostgreSQL the benchmark's PostgreSQL parts run on (pg-relay, takeover): DATABASE_URL when it
// is set, as it is configured; otherwise a throwaway cluster from the machine's server binaries
// (scripts/throwaway-postgres.mjs), durable — fsync, synchronous commit and full-page writes on, as
// PostgreSQL ships — so a commit there is what SQLite's synchronous=FULL is: on the disk. Started
// once per run, removed when the process exits; each gateway gets a schema of its own, dropped again.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startThrowawayPostgres } from '../scripts/throwaway-postgres.mjs';

export interface BenchPostgres {
  readonly url: string;
  /** What a reader needs to judge the numbers: the server's version and its durability settings. */
  readonly settings: string;
  /** The throwaway cluster's server process (its I/O is measured); unknown behind DATABASE_URL. */
  readonly serverPid?: number;
}

let started: Promise<BenchPostgres> | undefined;

export function benchPostgres(): Promise<BenchPostgres> {
  started ??= (async () => {
    const given = process.env.DATABASE_URL;
    if (given) return { url: given, settings: `DATABASE_URL: ${await describe(given)}` };
    const cluster = await startThrowawayPostgres({ durable: true });
    process.once('exit', () => cluster.stop());
    // Interrupted (Ctrl-C), the cluster goes too; then the signal's own default: the process ends.
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => {
        cluster.stop();
        process.kill(process.pid, signal);
      });
    // The takeover part's cluster (test/scale-out/support) reads it from the environment.
    process.env.DATABASE_URL = cluster.url;
    return {
      url: cluster.url,
      settings: `a throwaway cluster: ${await describe(cluster.url)}`,
      serverPid: cluster.serverPid,
    };
  })();
  return started;
}

/** One statement session on its own connection, closed again. */
async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function describe(url: string): Promise<string> {
  return withClient(url, async (client) => {
    const show = async (name: string): Promise<string> =>
      ((await client.query(`SHOW ${name}`)).rows[0] as Record<string, string>)[name] ?? '?';
    const version = (await show('server_version')).split(' ')[0];
    return `PostgreSQL ${version}, fsync ${await show('fsync')}, synchronous_commit ${await show('synchronous_commit')}, full_page_writes ${await show('full_page_writes')}`;
  });
}

/** A fresh schema name for one gateway's tables. */
export function benchSchema(): string {
  return `bench_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  await withClient(url, (client) =>
    client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`),
  );
}
