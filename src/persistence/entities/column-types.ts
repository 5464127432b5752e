import type { EntitySchemaColumnOptions, ValueTransformer } from 'typeorm';

/** The SQL dialects OpenTeller runs on. Column options differ slightly between them. */
export type Dialect = 'sqlite' | 'mysql';

/** bigint minor units ↔ the driver's string/number representation; never a float. */
const bigintTransformer: ValueTransformer = {
  to: (value: bigint | null | undefined) => (value === null || value === undefined ? value : value.toString()),
  from: (value: string | number | null) => (value === null || value === undefined ? value : BigInt(value)),
};

/** Column builders for one dialect, so every entity spells types identically on both databases. */
export interface ColumnTypes {
  /** Case-sensitive identifier (ascii_bin on MySQL; SQLite's default BINARY collation is case-sensitive). */
  id(length?: number, extra?: Partial<EntitySchemaColumnOptions>): EntitySchemaColumnOptions;
  text(length: number, extra?: Partial<EntitySchemaColumnOptions>): EntitySchemaColumnOptions;
  /** Text compared byte for byte (utf8mb4_bin on MySQL), for identifiers the partner chooses. */
  exactText(length: number, extra?: Partial<EntitySchemaColumnOptions>): EntitySchemaColumnOptions;
  longText(extra?: Partial<EntitySchemaColumnOptions>): EntitySchemaColumnOptions;
  /** Millisecond-precision UTC timestamp. */
  timestamp(extra?: Partial<EntitySchemaColumnOptions>): EntitySchemaColumnOptions;
  /** Integer minor units as `bigint`. */
  money(extra?: Partial<EntitySchemaColumnOptions>): EntitySchemaColumnOptions;
  integer(extra?: Partial<EntitySchemaColumnOptions>): EntitySchemaColumnOptions;
  /** JSON stored as text on both dialects (MariaDB's JSON is LONGTEXT in disguise, so one type for all). */
  json(extra?: Partial<EntitySchemaColumnOptions>): EntitySchemaColumnOptions;
}

/** Column builders for the given dialect. */
export function columnTypes(dialect: Dialect): ColumnTypes {
  const mysql = dialect === 'mysql';
  const unicode = mysql ? { charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' } : {};
  return {
    id: (length = 64, extra = {}) => ({ type: 'varchar', length, ...(mysql ? { charset: 'ascii', collation: 'ascii_bin' } : {}), ...extra }),
    text: (length, extra = {}) => ({ type: 'varchar', length, ...unicode, ...extra }),
    exactText: (length, extra = {}) => ({ type: 'varchar', length, ...(mysql ? { charset: 'utf8mb4', collation: 'utf8mb4_bin' } : {}), ...extra }),
    longText: (extra = {}) => ({ type: 'text', ...unicode, ...extra }),
    timestamp: (extra = {}) => ({ type: 'datetime', ...(mysql ? { precision: 3 } : {}), ...extra }),
    money: (extra = {}) => ({ type: 'bigint', transformer: bigintTransformer, ...extra }),
    integer: (extra = {}) => ({ type: 'int', ...extra }),
    json: (extra = {}) => ({ type: 'simple-json', ...unicode, ...extra }),
  };
}

/**
 * The shape of a JSON column. `any` values because TypeORM's partial-entity types cannot express `unknown`
 * inside a JSON document; callers narrow what they read.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: TypeORM's partial-entity types reject `unknown` here
export type JsonDocument = Record<string, any>;
