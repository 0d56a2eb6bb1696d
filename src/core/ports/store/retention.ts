// Retention: ended handovers are kept for a configured time, then deleted with everything they hold
// (transcript, events, webhook outbox rows, the provider link). Personal data does not stay forever.
export interface RetentionRepository {
  /**
   * Deletes up to `limit` handovers that ended or failed before `endedBefore` (ISO time), each with
   * its transcript, events and outbox rows, in one transaction. Returns how many handovers went; the
   * caller repeats while it gets `limit`. Unended handovers are never touched.
   */
  purgeEnded(endedBefore: string, limit: number): Promise<number>;
}
