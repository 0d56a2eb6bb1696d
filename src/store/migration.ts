// A schema migration: one step of an ordered list, applied once and recorded in `schema_migrations`.
// Plain SQL on purpose, so the PostgreSQL adapter can keep a twin list with the same ids and names.
export interface Migration {
  /** Strictly increasing, starting at 1. Never renumber or edit a released migration: add a new one. */
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

/** Throws unless ids are 1, 2, 3 … in order: a gap or a swap is a merge mistake worth failing loudly on. */
export function assertMigrationOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, index) => {
    if (m.id !== index + 1) {
      throw new Error(`migration list out of order: position ${index + 1} holds id ${m.id} (${m.name})`);
    }
  });
}
