import { EntitySchema } from '../typeorm.js';
import type { ColumnTypes, JsonDocument } from './column-types.js';

/** One row of oidc-provider state: a session, interaction, grant, code, PAR request, client, replay marker… */
export interface OidcModelRow {
  model: string;
  id: string;
  payload: JsonDocument;
  grantId: string | null;
  userCode: string | null;
  uid: string | null;
  expiresAt: Date | null;
  consumedAt: Date | null;
}

/** `oidc_model`: every model oidc-provider persists, keyed by (model, id), with its lookups indexed. */
export function oidcModelEntity(types: ColumnTypes): EntitySchema<OidcModelRow> {
  return new EntitySchema<OidcModelRow>({
    name: 'OidcModel',
    tableName: 'oidc_model',
    columns: {
      model: types.id(40, { primary: true }),
      id: types.id(255, { primary: true }),
      payload: types.json(),
      grantId: types.id(255, { name: 'grant_id', nullable: true }),
      userCode: types.id(255, { name: 'user_code', nullable: true }),
      uid: types.id(255, { nullable: true }),
      expiresAt: types.timestamp({ name: 'expires_at', nullable: true }),
      consumedAt: types.timestamp({ name: 'consumed_at', nullable: true }),
    },
    indices: [
      { name: 'ix_oidc_model_grant', columns: ['model', 'grantId'] },
      { name: 'ux_oidc_model_uid', columns: ['model', 'uid'], unique: true },
      { name: 'ux_oidc_model_user_code', columns: ['model', 'userCode'], unique: true },
      { name: 'ix_oidc_model_expires', columns: ['expiresAt'] },
    ],
  });
}
