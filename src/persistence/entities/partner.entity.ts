import { EntitySchema } from '../typeorm.js';
import type { ColumnTypes, JsonDocument } from './column-types.js';

export interface PartnerRow {
  id: string;
  name: string;
  status: string;
  createdAt: Date;
}

export interface SoftwareRow {
  clientId: string;
  partnerId: string;
  softwareId: string;
  name: string;
  description: string;
  roles: string[];
  environment: string;
  status: string;
  origin: string;
  clientMetadata: JsonDocument;
  softwareStatement: JsonDocument | null;
  registrationTokenHash: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface PartnerUserRow {
  id: string;
  partnerId: string;
  email: string;
  passwordHash: string;
  emailConfirmedAt: Date | null;
  emailTokenHash: string | null;
  emailTokenExpiresAt: Date | null;
  failedLoginCount: number;
  lockedUntil: Date | null;
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
 * `software`: a partner's app, i.e. one OAuth client, with the OAuth metadata the authorization server reads
 * (`client_metadata`: the provider's adapter finds a client here only while its status is `active`).
 */
export function softwareEntity(types: ColumnTypes): EntitySchema<SoftwareRow> {
  return new EntitySchema<SoftwareRow>({
    name: 'Software',
    tableName: 'software',
    columns: {
      clientId: types.id(255, { primary: true, name: 'client_id' }),
      partnerId: types.id(40, { name: 'partner_id' }),
      softwareId: types.id(64, { name: 'software_id' }),
      name: types.text(140),
      description: types.text(500),
      roles: types.json(),
      environment: types.id(16),
      status: types.id(16),
      origin: types.id(16),
      clientMetadata: types.json({ name: 'client_metadata' }),
      softwareStatement: types.json({ name: 'software_statement', nullable: true }),
      registrationTokenHash: types.id(64, { name: 'registration_token_hash', nullable: true }),
      version: types.integer(),
      createdAt: types.timestamp({ name: 'created_at' }),
      updatedAt: types.timestamp({ name: 'updated_at' }),
    },
    indices: [
      { name: 'ix_software_partner', columns: ['partnerId'] },
      { name: 'ix_software_software_id', columns: ['softwareId'] },
    ],
  });
}

/** `partner_user`: people who log in to the partner portal for an organisation. */
export function partnerUserEntity(types: ColumnTypes): EntitySchema<PartnerUserRow> {
  return new EntitySchema<PartnerUserRow>({
    name: 'PartnerUser',
    tableName: 'partner_user',
    columns: {
      id: types.id(40, { primary: true }),
      partnerId: types.id(40, { name: 'partner_id' }),
      email: types.text(254),
      passwordHash: types.id(255, { name: 'password_hash' }),
      emailConfirmedAt: types.timestamp({ name: 'email_confirmed_at', nullable: true }),
      emailTokenHash: types.id(64, { name: 'email_token_hash', nullable: true }),
      emailTokenExpiresAt: types.timestamp({ name: 'email_token_expires_at', nullable: true }),
      failedLoginCount: types.integer({ name: 'failed_login_count', default: 0 }),
      lockedUntil: types.timestamp({ name: 'locked_until', nullable: true }),
      createdAt: types.timestamp({ name: 'created_at' }),
    },
    indices: [
      { name: 'ux_partner_user_email', columns: ['email'], unique: true },
      { name: 'ix_partner_user_partner', columns: ['partnerId'] },
      { name: 'ux_partner_user_email_token', columns: ['emailTokenHash'], unique: true },
    ],
  });
}
