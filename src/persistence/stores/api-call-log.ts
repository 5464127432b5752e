import type { DataSource } from 'typeorm';
import { API_CALLS_KEPT_PER_APP, type ApiCall, type ApiCallLog } from '../../domain/partners/api-calls.js';
import { newId } from '../../domain/ids.js';
import type { Dialect } from '../entities/column-types.js';
import { isStorableId, readSqlTime, sqlTime } from '../sql.js';
import { inTransaction } from '../transactions.js';

/** The longest reason a call keeps. */
const MAX_REASON_LENGTH = 300;

/**
 * The API call log in `api_call`, trimmed to the newest {@link API_CALLS_KEPT_PER_APP} calls of each app as it is
 * written, and the consents' `last_used_at`. A batch is a few statements whatever its size: one multi-row insert,
 * one trim per app, one update of the consents it used.
 */
export class SqlApiCallLog implements ApiCallLog {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dialect: Dialect,
  ) {}

  async append(calls: readonly ApiCall[]): Promise<void> {
    if (calls.length === 0) return;
    const time = (date: Date) => sqlTime(this.dialect, date);
    await inTransaction(this.dataSource, async (manager) => {
      const values = calls.flatMap((call) => [
        newId('cal'),
        call.clientId,
        time(call.at),
        call.method,
        call.path.slice(0, 500),
        call.status,
        call.interactionId,
        call.reason === null ? null : call.reason.slice(0, MAX_REASON_LENGTH),
      ]);
      await manager.query(
        `INSERT INTO api_call (id, client_id, at, method, path, status, interaction_id, reason) VALUES ${calls.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        values,
      );
      for (const clientId of new Set(calls.map((call) => call.clientId))) {
        await manager.query(
          `DELETE FROM api_call WHERE client_id = ? AND at < (SELECT at FROM (SELECT at FROM api_call WHERE client_id = ? ORDER BY at DESC LIMIT 1 OFFSET ${API_CALLS_KEPT_PER_APP - 1}) AS newest)`,
          [clientId, clientId],
        );
      }
      const consentIds = [...new Set(calls.flatMap((call) => (call.consentId && isStorableId(call.consentId) ? [call.consentId] : [])))];
      if (consentIds.length > 0) {
        const lastUsedAt = time(new Date(Math.max(...calls.map((call) => call.at.getTime()))));
        await manager.query(
          `UPDATE consent SET last_used_at = ? WHERE id IN (${consentIds.map(() => '?').join(', ')}) AND (last_used_at IS NULL OR last_used_at < ?)`,
          [lastUsedAt, ...consentIds, lastUsedAt],
        );
      }
    });
  }

  async listRecent(clientId: string, limit: number): Promise<ApiCall[]> {
    if (!isStorableId(clientId)) return [];
    const rows: Array<{
      client_id: string;
      at: Date | string;
      method: string;
      path: string;
      status: number | string;
      interaction_id: string;
      reason: string | null;
    }> = await this.dataSource.query(
      `SELECT client_id, at, method, path, status, interaction_id, reason FROM api_call WHERE client_id = ? ORDER BY at DESC, id DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
      [clientId],
    );
    return rows.map((row) => ({
      clientId: row.client_id,
      at: readSqlTime(row.at),
      method: row.method,
      path: row.path,
      status: Number(row.status),
      interactionId: row.interaction_id,
      consentId: null,
      reason: row.reason,
    }));
  }
}
