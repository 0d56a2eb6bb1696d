// Many rows in one statement: PostgreSQL takes one array per column and `unnest` turns them back into
// rows (`… FROM unnest($1::text[], $2::int[]) AS r(a, b)`). One statement text whatever the number of
// rows, so it is prepared once (prepared-sql.ts). Used by the flush of a transaction's deferred rows
// and by the handovers' batch UPDATE (deferred-rows.ts, handover-queries.ts).

/** `unnest($1::text[], $2::int[], …)` over the columns, each a text array unless typed otherwise. */
export function unnestOf(columns: readonly string[], types: Readonly<Record<string, string>> = {}): string {
  return `unnest(${columns.map((c, i) => `$${i + 1}::${types[c] ?? 'text'}[]`).join(', ')})`;
}

/** Rows as one array per column: what `unnest` takes. */
export function byColumn(rows: readonly (readonly unknown[])[], columns: number): unknown[][] {
  return Array.from({ length: columns }, (_, i) => rows.map((row) => row[i]));
}
