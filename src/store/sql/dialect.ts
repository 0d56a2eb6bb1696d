// What differs between the two SQL adapters in how a row's values look, and nothing else: SQLite
// keeps JSON as TEXT and booleans as 0/1; PostgreSQL returns JSONB already parsed and real booleans.
// The row codecs (sql/*-row.ts) are written once against this; sqlite/ and postgres/ hold only SQL.
import { parseJsonText } from '../json-columns.ts';

export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres';
  /** A JSON column's value as the driver returns it, parsed (errors name the column, never the content). */
  readJson(value: unknown, column: string): unknown;
  readBool(value: unknown, column: string): boolean;
  writeBool(value: boolean): number | boolean;
}

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  readJson: (value, column) => {
    if (typeof value !== 'string') throw new Error(`column ${column} does not hold JSON text`);
    return parseJsonText(value, column);
  },
  readBool: (value, column) => {
    if (value !== 0 && value !== 1) throw new Error(`column ${column} does not hold 0 or 1`);
    return value === 1;
  },
  writeBool: (value) => (value ? 1 : 0),
};

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  readJson: (value) => value,
  readBool: (value, column) => {
    if (typeof value !== 'boolean') throw new Error(`column ${column} does not hold a boolean`);
    return value;
  },
  writeBool: (value) => value,
};
