import { EntitySchema } from '../typeorm.js';
import type { ColumnTypes } from './column-types.js';

/** A one-time value (e.g. a DPoP proof `jti`) seen by the resource API, kept until it could no longer be replayed. */
export interface ReplayGuardRow {
  scope: string;
  key: string;
  expiresAt: Date;
}

/** `replay_guard`: insert-unique markers shared by every process; a duplicate key means a replay. */
export function replayGuardEntity(types: ColumnTypes): EntitySchema<ReplayGuardRow> {
  return new EntitySchema<ReplayGuardRow>({
    name: 'ReplayGuard',
    tableName: 'replay_guard',
    columns: {
      scope: types.id(32, { primary: true }),
      key: types.id(64, { primary: true, name: 'marker' }),
      expiresAt: types.timestamp({ name: 'expires_at' }),
    },
    indices: [{ name: 'ix_replay_guard_expires', columns: ['expiresAt'] }],
  });
}
