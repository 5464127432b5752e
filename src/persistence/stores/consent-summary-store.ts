import type { DataSource } from 'typeorm';
import type { ConsentStatus } from '../../domain/consents/consent-status.js';
import type { ConsentSummary, ConsentSummaryStore } from '../../domain/consents/consent-summaries.js';
import { isStorableId, readSqlTime } from '../sql.js';
import { listedKindOf } from './payment-consent-store.js';

/** An app's consents for the portal, newest first, over the client's index of `consent`. */
export class SqlConsentSummaryStore implements ConsentSummaryStore {
  constructor(private readonly dataSource: DataSource) {}

  async listByClient(clientId: string, limit: number): Promise<ConsentSummary[]> {
    if (!isStorableId(clientId)) return [];
    const rows: Array<{
      id: string;
      kind: string;
      status: string;
      created_at: Date | string;
      expires_at: Date | string | null;
      last_used_at: Date | string | null;
    }> = await this.dataSource.query(
      `SELECT id, kind, status, created_at, expires_at, last_used_at FROM consent WHERE client_id = ? ORDER BY created_at DESC, id DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
      [clientId],
    );
    return rows.map((row) => {
      const kind = listedKindOf(row.kind);
      return {
        consentId: row.id,
        kind,
        status: row.status as ConsentStatus,
        createdAt: readSqlTime(row.created_at),
        expiresAt: kind === 'domestic-payment' || row.expires_at === null ? null : readSqlTime(row.expires_at),
        lastUsedAt: row.last_used_at === null ? null : readSqlTime(row.last_used_at),
      };
    });
  }
}
