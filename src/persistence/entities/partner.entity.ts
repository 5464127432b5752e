import { EntitySchema } from 'typeorm';
import type { ColumnTypes } from './column-types.js';

export interface PartnerRow {
  id: string;
  name: string;
  status: string;
  createdAt: Date;
}

export interface SoftwareRow {
  clientId: string;
  partnerId: string;
  name: string;
  roles: string[];
  environment: string;
  status: string;
  createdAt: Date;
}

/** `partner`: an organisation that builds apps on the API. */
export function partnerEntity(types: ColumnTypes): EntitySchema<PartnerRow> {
  return new EntitySchema<PartnerRow>({
    name: 'Partner',
    tableName: 'partner',
    columns: {
      id: types.id(40, { primary: true }),
      name: types.text(140),
      status: types.id(16),
      createdAt: types.timestamp({ name: 'created_at' }),
    },
  });
}

/**
 * `software`: a partner's app, i.e. one OAuth client. Its OAuth metadata (redirect URIs, keys…) lives in
 * `oidc_model` as model `Client`, where oidc-provider reads it; this row holds what the bank manages.
 */
export function softwareEntity(types: ColumnTypes): EntitySchema<SoftwareRow> {
  return new EntitySchema<SoftwareRow>({
    name: 'Software',
    tableName: 'software',
    columns: {
      clientId: types.id(255, { primary: true, name: 'client_id' }),
      partnerId: types.id(40, { name: 'partner_id' }),
      name: types.text(140),
      roles: types.json(),
      environment: types.id(16),
      status: types.id(16),
      createdAt: types.timestamp({ name: 'created_at' }),
    },
    indices: [{ name: 'ix_software_partner', columns: ['partnerId'] }],
  });
}
