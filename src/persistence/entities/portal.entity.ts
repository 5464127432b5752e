import { EntitySchema } from '../typeorm.js';
import type { ColumnTypes } from './column-types.js';

export interface WebSessionRow {
  idHash: string;
  kind: string;
  subjectId: string;
  createdAt: Date;
  expiresAt: Date;
  idleExpiresAt: Date;
}

export interface OutboundMailRow {
  id: string;
  recipient: string;
  subject: string;
  text: string;
  createdAt: Date;
}

export interface ApiCallRow {
  id: string;
  clientId: string;
  at: Date;
  method: string;
  path: string;
  status: number;
  interactionId: string;
  reason: string | null;
}

/** `web_session`: logged-in browsers of the partner portal and the customers' account pages (token hashes only). */
export function webSessionEntity(types: ColumnTypes): EntitySchema<WebSessionRow> {
  return new EntitySchema<WebSessionRow>({
    name: 'WebSession',
    tableName: 'web_session',
    columns: {
      idHash: types.id(64, { primary: true, name: 'id_hash' }),
      kind: types.id(16),
      subjectId: types.id(40, { name: 'subject_id' }),
      createdAt: types.timestamp({ name: 'created_at' }),
      expiresAt: types.timestamp({ name: 'expires_at' }),
      idleExpiresAt: types.timestamp({ name: 'idle_expires_at' }),
    },
    indices: [{ name: 'ix_web_session_expires', columns: ['expiresAt'] }],
  });
}

/** `outbound_mail`: mail the platform sent (shown on the sandbox mailbox page; nothing leaves the machine). */
export function outboundMailEntity(types: ColumnTypes): EntitySchema<OutboundMailRow> {
  return new EntitySchema<OutboundMailRow>({
    name: 'OutboundMail',
    tableName: 'outbound_mail',
    columns: {
      id: types.id(40, { primary: true }),
      recipient: types.text(254),
      subject: types.text(200),
      text: types.longText(),
      createdAt: types.timestamp({ name: 'created_at' }),
    },
    indices: [{ name: 'ix_outbound_mail_recipient', columns: ['recipient', 'createdAt'] }],
  });
}

/** `api_call`: the most recent resource API calls of each app, for its developers. */
export function apiCallEntity(types: ColumnTypes): EntitySchema<ApiCallRow> {
  return new EntitySchema<ApiCallRow>({
    name: 'ApiCall',
    tableName: 'api_call',
    columns: {
      id: types.id(40, { primary: true }),
      clientId: types.id(255, { name: 'client_id' }),
      at: types.timestamp(),
      method: types.id(10),
      path: types.text(500),
      status: types.integer(),
      interactionId: types.id(64, { name: 'interaction_id' }),
      reason: types.text(300, { nullable: true }),
    },
    indices: [{ name: 'ix_api_call_client', columns: ['clientId', 'at'] }],
  });
}
