// SQL on the cluster tables (migration 8): registrations, handover leases, singletons. A lease is
// held while its owner's registration is alive (`expires_at > now()`, the database's clock — the one
// clock every instance shares), so renewing one row renews every lease of an instance.
import { z } from 'zod';
import type { Claimed, ClusterView } from '../../core/ports/ownership.ts';
import { parseRow } from '../parse-row.ts';
import type { Sql } from './transaction.ts';

const claimedRow = z.object({ handover_id: z.string(), token: z.coerce.number().int().positive() });
const viewRow = z.object({ live: z.number().int(), unended: z.number().int() });
const idRow = z.object({ id: z.string() });

const TERMINAL = `('ended', 'failed')`;

/** The lease of `l` has no live owner (never owned, handed back, or its owner's registration expired). */
const FREE = `(l.owner IS NULL OR NOT EXISTS (
  SELECT 1 FROM cluster_members m WHERE m.owner = l.owner AND m.expires_at > now()))`;

const LIVE_SELF = `EXISTS (SELECT 1 FROM cluster_members me WHERE me.owner = $2 AND me.expires_at > now())`;

// One statement per handover: a claim never holds the lock of one lease while waiting for another's
// (an owner's commit holds its leases FOR SHARE), so claims and commits cannot deadlock.
const CLAIM_SQL = `INSERT INTO handover_leases AS l (handover_id, owner, token)
  SELECT h.id, $2, 1 FROM handovers h
  WHERE h.id = $1 AND h.state NOT IN ${TERMINAL} AND ${LIVE_SELF}
  ON CONFLICT (handover_id) DO UPDATE SET owner = EXCLUDED.owner, token = l.token + 1
  WHERE ${FREE}
  RETURNING handover_id, token`;

const FENCE_SQL = `SELECT 1 FROM handover_leases l
  WHERE l.handover_id = $1 AND l.owner = $2 AND l.token = $3 AND ${LIVE_SELF}
  FOR SHARE OF l`;

const MS = `$3 * interval '1 millisecond'`;

export class LeaseQueries {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async join(owner: string, instanceId: string, leaseMs: number): Promise<void> {
    // Registrations expired long ago are cleared on the way (their leases are free already).
    await this.#sql.query(`DELETE FROM cluster_members WHERE expires_at < now() - interval '1 hour'`);
    await this.#sql.query(
      `INSERT INTO cluster_members (owner, instance_id, expires_at) VALUES ($1, $2, now() + ${MS})`,
      [owner, instanceId, leaseMs],
    );
  }

  /** False when the registration had expired (it is not brought back). */
  async renew(owner: string, leaseMs: number): Promise<boolean> {
    const { rowCount } = await this.#sql.query(
      `UPDATE cluster_members SET expires_at = now() + $2 * interval '1 millisecond'
       WHERE owner = $1 AND expires_at > now()`,
      [owner, leaseMs],
    );
    return rowCount === 1;
  }

  async view(): Promise<ClusterView> {
    const { rows } = await this.#sql.query(
      `SELECT (SELECT COUNT(*) FROM cluster_members WHERE expires_at > now())::int AS live,
              (SELECT COUNT(*) FROM handovers WHERE state NOT IN ${TERMINAL})::int AS unended`,
    );
    return parseRow(viewRow, rows[0], 'cluster view');
  }

  async owned(owner: string): Promise<Claimed[]> {
    const { rows } = await this.#sql.query(
      'SELECT handover_id, token FROM handover_leases WHERE owner = $1',
      [owner],
    );
    return rows.map(toClaimed);
  }

  async claim(owner: string, handoverId: string): Promise<Claimed | undefined> {
    const { rows } = await this.#sql.query(CLAIM_SQL, [handoverId, owner]);
    return rows[0] === undefined ? undefined : toClaimed(rows[0]);
  }

  /** Up to `count` unended handovers without a live owner, in random order (spreads racing claims). */
  async unowned(count: number): Promise<string[]> {
    const { rows } = await this.#sql.query(
      `SELECT h.id FROM handovers h LEFT JOIN handover_leases l ON l.handover_id = h.id
       WHERE h.state NOT IN ${TERMINAL} AND ${FREE}
       ORDER BY random() LIMIT $1`,
      [count],
    );
    return rows.map((r) => parseRow(idRow, r, 'handovers').id);
  }

  /** Leases of ended handovers go; the others are handed back (owner NULL, token kept). */
  async release(owner: string, handoverIds: readonly string[]): Promise<void> {
    await this.#sql.query(
      `DELETE FROM handover_leases l USING handovers h
       WHERE l.handover_id = h.id AND l.owner = $1 AND l.handover_id = ANY($2::text[])
         AND h.state IN ${TERMINAL}`,
      [owner, handoverIds],
    );
    await this.#sql.query(
      'UPDATE handover_leases SET owner = NULL WHERE owner = $1 AND handover_id = ANY($2::text[])',
      [owner, handoverIds],
    );
  }

  async leave(owner: string): Promise<void> {
    await this.#sql.query('UPDATE handover_leases SET owner = NULL WHERE owner = $1', [owner]);
    await this.#sql.query('UPDATE cluster_singletons SET owner = NULL WHERE owner = $1', [owner]);
    await this.#sql.query('DELETE FROM cluster_members WHERE owner = $1', [owner]);
  }

  async singleton(owner: string, name: string): Promise<boolean> {
    const { rowCount } = await this.#sql.query(
      `INSERT INTO cluster_singletons AS l (name, owner) SELECT $1, $2 WHERE ${LIVE_SELF}
       ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner
       WHERE l.owner = EXCLUDED.owner OR ${FREE}`,
      [name, owner],
    );
    return rowCount === 1;
  }

  /**
   * The fence of an owner's commit, in its transaction: the lease is still this owner's, with this
   * token, and the registration alive. The row stays share-locked until the commit, so a claim by
   * another instance waits for it — the commit lands before the takeover, or not at all.
   */
  async holds(handoverId: string, owner: string, token: number): Promise<boolean> {
    const { rowCount } = await this.#sql.query(FENCE_SQL, [handoverId, owner, token]);
    return rowCount === 1;
  }
}

function toClaimed(row: unknown): Claimed {
  const r = parseRow(claimedRow, row, 'handover_leases');
  return { handoverId: r.handover_id, token: r.token };
}
