import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { PushState } from '../../domain/events/event-outbox.js';
import type { PushAttempt, PushDecision } from '../../domain/events/event-push.js';
import type { ClaimedPush, EventPushStore } from '../../domain/events/event-push-store.js';
import type { Dialect } from '../entities/column-types.js';
import type { EventDeliveryAttemptRow, EventNotificationRow } from '../entities/event.entity.js';
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
 * claims them (the database file's write lock serialises every process's statement). Results are recorded only
 * under the claim they were made under, with the attempt, in one transaction.
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

  async recordPushAttempt(push: ClaimedPush, attempt: PushAttempt, decision: PushDecision): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      if (!(await this.release(manager, push, decision.state, decision.state === PushState.Pending ? decision.nextPushAt : null))) return false;
      await manager.getRepository<EventDeliveryAttemptRow>('EventDeliveryAttempt').insert({
        jti: push.jti,
        attempt: push.pushAttempts + 1,
        attemptedAt: attempt.attemptedAt,
        callbackUrl: attempt.callbackUrl.slice(0, MAX_URL_LENGTH),
        httpStatus: attempt.httpStatus,
        error: attempt.error === null ? null : attempt.error.slice(0, MAX_ERROR_LENGTH),
        latencyMs: Math.max(0, Math.round(attempt.latencyMs)),
      });
      return true;
    });
  }

  async stopPush(push: ClaimedPush): Promise<boolean> {
    return inTransaction(this.dataSource, (manager) => this.release(manager, push, PushState.None, null));
  }

  /** Ends the claim with the event's new push state; false when the claim is no longer this one. */
  private async release(manager: EntityManager, push: ClaimedPush, state: string, nextPushAt: Date | null): Promise<boolean> {
    const counted = state === PushState.None ? push.pushAttempts : push.pushAttempts + 1;
    const result = await manager
      .getRepository<EventNotificationRow>('EventNotification')
      .update(
        { jti: push.jti, claimedBy: push.claim, pushState: PushState.Pending, pushAttempts: push.pushAttempts },
        { pushState: state, pushAttempts: counted, nextPushAt, claimedBy: null, claimedUntil: null },
      );
    return Boolean(result.affected);
  }

  private async claimOnMysql(claim: string, now: Date, limit: number, claimedUntil: Date): Promise<ClaimedRow[]> {
    return inTransaction(this.dataSource, async (manager) => {
      const due: Array<{ jti: string }> = await manager.query(
        `SELECT jti FROM event_notification WHERE ${DUE} ORDER BY next_push_at LIMIT ? FOR UPDATE SKIP LOCKED`,
        [now, now, limit],
      );
      if (due.length === 0) return [];
      const jtis = due.map((row) => row.jti);
      const list = jtis.map(() => '?').join(', ');
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
