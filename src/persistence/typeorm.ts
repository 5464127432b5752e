import { createRequire } from 'node:module';
import type * as TypeOrm from 'typeorm';

/**
 * The values OpenTeller uses from typeorm, loaded with `require`. typeorm is CommonJS: imported from an ES module, Node
 * first scans its entry and every file it re-exports (hundreds) for their export names (cjs-module-lexer) — a tenth of
 * the server's start-up CPU. Types are imported from 'typeorm' directly (erased at build).
 */
const typeorm = createRequire(import.meta.url)('typeorm') as typeof TypeOrm;

export const { DataSource, EntitySchema, In, IsNull, LessThan, LessThanOrEqual, Not } = typeorm;
export type DataSource = TypeOrm.DataSource;
export type EntitySchema<T> = TypeOrm.EntitySchema<T>;
