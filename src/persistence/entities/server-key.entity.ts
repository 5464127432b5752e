import { EntitySchema } from '../typeorm.js';
import type { ColumnTypes, JsonDocument } from './column-types.js';

/** Key material generated on first start in the sandbox (production keys come from the environment). */
export interface ServerKeyRow {
  id: string;
  purpose: 'signing' | 'cookie' | 'directory';
  material: JsonDocument;
  createdAt: Date;
}

/** `server_key`: signing JWKs and cookie secrets shared by every process on one database. */
export function serverKeyEntity(types: ColumnTypes): EntitySchema<ServerKeyRow> {
  return new EntitySchema<ServerKeyRow>({
    name: 'ServerKey',
    tableName: 'server_key',
    columns: {
      id: types.id(64, { primary: true }),
      purpose: types.id(16),
      material: types.json(),
      createdAt: types.timestamp({ name: 'created_at' }),
    },
    indices: [{ name: 'ix_server_key_purpose', columns: ['purpose', 'createdAt'] }],
  });
}
