import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { PushState } from '../../domain/events/event-outbox.js';
import type { ClaimedPush, EventPushStore, PushResult } from '../../domain/events/event-push-store.js';
import type { Dialect } from '../entities/column-types.js';
import { sqlTime } from '../sql.js';
import { inTransaction } from '../transactions.js';
import { readSubscription } from './event-subscription-store.js';

/** The longest error text and callback URL an attempt row holds. */
const MAX_ERROR_LENGTH = 300;
const MAX_URL_LENGTH = 512;

/** A claimed event as raw SQL returns it. */
interface ClaimedRow {
  client_id: string;
  sequence: number | string;
  jti: string;
  token: string;
  push_attempts: number | string;
}

/** The condition of an event whose push is due and not held by a running claim (parameters: now, now). */
const DUE = `push_state = 'pending' AND next_push_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)`;

/**
 * Pushes in `event_notification`, attempts in `event_delivery_attempt`. A claim names itself in `claimed_by` and
 * lasts until `claimed_until`: on MySQL the due rows are locked with `FOR UPDATE SKIP LOCKED` (concurrent claimers
 * take different rows without waiting) and marked in the same transaction; on SQLite one `UPDATE … RETURNING`
 * claims them (the database file's write lock serialises every process's statement). A run's results are recorded
 * in one transaction, each only under the claim it was made under.
 */
export class SqlEventPushStore implements EventPushStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dialect: Dialect,
  ) {}

  async claimDuePushes(now: Date, limit: number, claimedUntil: Date): Promise<ClaimedPush[]> {
    const claim = randomBytes(16).toString('base64url');
    const rows =
      this.dialect === 'mysql' ? await this.claimOnMysql(claim, now, limit, claimedUntil) : await this.claimOnSqlite(claim, now, limit, claimedUntil);
    const callbackUrls = new Map<string, string | null>();
    for (const clientId of new Set(rows.map((row) => row.client_id))) {
      callbackUrls.set(clientId, (await readSubscription(this.dataSource.manager, clientId))?.callbackUrl ?? null);
    }
    return rows.map((row) => ({
      clientId: row.client_id,
      sequence: Number(row.sequence),
      jti: row.jti,
      token: row.token,
      pushAttempts: Number(row.push_attempts),
      claim,
      callbackUrl: callbackUrls.get(row.client_id) ?? null,
    }));
  }

  async recordPushResults(results: readonly PushResult[]): Promise<ReadonlySet<string>> {
    if (results.length === 0) return new Set();
    return inTransaction(this.dataSource, async (manager) => {
      const held = results.filter(await this.claimsHeld(manager, results));
      const byChange = new Map<string, { state: string; counted: boolean; nextPushAt: Date | null; jtis: string[] }>();
      for (const { push, decision } of held) {
        const nextPushAt = decision.state === PushState.Pending ? decision.nextPushAt : null;
        const counted = decision.state !== PushState.None;
        const key = `${decision.state} ${nextPushAt?.getTime() ?? ''}`;
        const change = byChange.get(key) ?? { state: decision.state, counted, nextPushAt, jtis: [] };
        change.jtis.push(push.jti);
        byChange.set(key, change);
      }
      for (const { state, counted, nextPushAt, jtis } of byChange.values()) {
        await manager.query(
          `UPDATE event_notification SET push_state = ?, push_attempts = push_attempts + ?, next_push_at = ?, claimed_by = NULL, claimed_until = NULL
           WHERE jti IN (${placeholders(jtis)})`,
          [state, counted ? 1 : 0, nextPushAt === null ? null : sqlTime(this.dialect, nextPushAt), ...jtis],
        );
      }
      const attempts = held.flatMap(({ push, attempt }) => (attempt === null ? [] : [{ push, attempt }]));
      if (attempts.length > 0) {
        await manager.query(
          `INSERT INTO event_delivery_attempt (jti, attempt, attempted_at, callback_url, http_status, error, latency_ms)
           VALUES ${attempts.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
          attempts.flatMap(({ push, attempt }) => [
            push.jti,
            push.pushAttempts + 1,
            sqlTime(this.dialect, attempt.attemptedAt),
            attempt.callbackUrl.slice(0, MAX_URL_LENGTH),
            attempt.httpStatus,
            attempt.error === null ? null : attempt.error.slice(0, MAX_ERROR_LENGTH),
            Math.max(0, Math.round(attempt.latencyMs)),
          ]),
        );
      }
      return new Set(held.map(({ push }) => push.jti));
    });
  }

  /**
   * Which results are still under the claim they were made under (locked until commit on MySQL; SQLite transactions
   * are serialised): the event is pending, claimed by that claim, after as many attempts as when it was claimed.
   */
  private async claimsHeld(manager: EntityManager, results: readonly PushResult[]): Promise<(result: PushResult) => boolean> {
    const jtis = results.map((result) => result.push.jti);
    const rows: Array<{ jti: string; claimed_by: string | null; push_state: string; push_attempts: number | string }> = await manager.query(
      `SELECT jti, claimed_by, push_state, push_attempts FROM event_notification WHERE jti IN (${placeholders(jtis)})${this.dialect === 'mysql' ? ' FOR UPDATE' : ''}`,
      jtis,
    );
    const current = new Map(rows.map((row) => [row.jti, row]));
    return ({ push }) => {
      const row = current.get(push.jti);
      return row?.claimed_by === push.claim && row.push_state === PushState.Pending && Number(row.push_attempts) === push.pushAttempts;
    };
  }

  private async claimOnMysql(claim: string, now: Date, limit: number, claimedUntil: Date): Promise<ClaimedRow[]> {
    return inTransaction(this.dataSource, async (manager) => {
      const due: Array<{ jti: string }> = await manager.query(
        `SELECT jti FROM event_notification WHERE ${DUE} ORDER BY next_push_at LIMIT ? FOR UPDATE SKIP LOCKED`,
        [now, now, limit],
      );
      if (due.length === 0) return [];
      const jtis = due.map((row) => row.jti);
      const list = placeholders(jtis);
      await manager.query(`UPDATE event_notification SET claimed_by = ?, claimed_until = ? WHERE jti IN (${list})`, [claim, claimedUntil, ...jtis]);
      return manager.query(
        `SELECT client_id, sequence, jti, token, push_attempts FROM event_notification WHERE claimed_by = ? AND jti IN (${list})`,
        [claim, ...jtis],
      );
    });
  }

  private async claimOnSqlite(claim: string, now: Date, limit: number, claimedUntil: Date): Promise<ClaimedRow[]> {
    const at = sqlTime(this.dialect, now);
    return this.dataSource.query(
      `UPDATE event_notification SET claimed_by = ?, claimed_until = ?
       WHERE jti IN (SELECT jti FROM event_notification WHERE ${DUE} ORDER BY next_push_at LIMIT ?)
       RETURNING client_id, sequence, jti, token, push_attempts`,
      [claim, sqlTime(this.dialect, claimedUntil), at, at, limit],
    );
  }
}

/** `?, ?, …`: one placeholder per value. */
function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}
