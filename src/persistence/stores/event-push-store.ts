import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { PushState } from '../../domain/events/event-outbox.js';
import type { ClaimedPush, ClaimRequest, EventPushStore, PerAppLimit, PushResult } from '../../domain/events/event-push-store.js';
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
  sequence: number | string | null;
  jti: string;
  token: string;
  push_attempts: number | string;
}

/**
 * Pushes in `event_notification`, attempts in `event_delivery_attempt`. A claim names itself in `claimed_by` and
 * lasts until `claimed_until`. A claim reads the apps with due events, then each app's oldest due events (both from
 * the index on push_state, client_id, next_push_at, sequence: a flood of one app's events costs nothing to skip), and
 * takes them round-robin (each app's first before any app's second), up to each app's allowance. On MySQL the
 * candidates are then locked with `FOR UPDATE SKIP LOCKED` in that order (concurrent claimers take different rows
 * without waiting: one that finds the best ones taken reads the next ones) and marked in the same transaction; on
 * SQLite one `UPDATE … RETURNING` reads each app's candidates and takes the first ones (the database file's write
 * lock serialises every process's statement). Results are recorded in batches, one transaction each (or with the next claim in one:
 * `recordAndClaim`), each result only under the claim it was made under.
 */
export class SqlEventPushStore implements EventPushStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dialect: Dialect,
  ) {}

  async claimDuePushes(now: Date, limit: number, claimedUntil: Date, perApp?: PerAppLimit): Promise<ClaimedPush[]> {
    const request = { now, limit, claimedUntil, perApp };
    const claim = newClaim();
    // SQLite claims in one statement, which needs no transaction of its own.
    const rows =
      this.dialect === 'mysql'
        ? await inTransaction(this.dataSource, (manager) => this.claimWithin(manager, claim, request))
        : await this.claimWithin(this.dataSource.manager, claim, request);
    return this.claimedPushes(rows, claim);
  }

  async recordPushResults(results: readonly PushResult[]): Promise<ReadonlySet<string>> {
    if (results.length === 0) return new Set();
    return inTransaction(this.dataSource, (manager) => this.recordWithin(manager, results));
  }

  async recordAndClaim(results: readonly PushResult[], request: ClaimRequest): Promise<{ recorded: ReadonlySet<string>; claimed: ClaimedPush[] }> {
    const claim = newClaim();
    const { recorded, rows } = await inTransaction(this.dataSource, async (manager) => ({
      recorded: results.length === 0 ? new Set<string>() : await this.recordWithin(manager, results),
      rows: await this.claimWithin(manager, claim, request),
    }));
    return { recorded, claimed: await this.claimedPushes(rows, claim) };
  }

  /** The claimed rows as pushes, each with its app's callback URL as it is now. */
  private async claimedPushes(rows: readonly ClaimedRow[], claim: string): Promise<ClaimedPush[]> {
    const callbackUrls = new Map<string, string | null>();
    for (const clientId of new Set(rows.map((row) => row.client_id))) {
      callbackUrls.set(clientId, (await readSubscription(this.dataSource.manager, clientId))?.callbackUrl ?? null);
    }
    return rows.map((row) => ({
      clientId: row.client_id,
      sequence: row.sequence === null ? null : Number(row.sequence),
      jti: row.jti,
      token: row.token,
      pushAttempts: Number(row.push_attempts),
      claim,
      callbackUrl: callbackUrls.get(row.client_id) ?? null,
    }));
  }

  private async claimWithin(manager: EntityManager, claim: string, request: ClaimRequest): Promise<ClaimedRow[]> {
    const { now, limit, claimedUntil } = request;
    if (limit < 1) return [];
    const perApp = request.perApp ?? { max: limit, held: new Map<string, number>() };
    // What each app may still get; the apps beyond twice the limit wait for a later claim.
    const allowance = new Map<string, number>();
    for (const clientId of await this.appsWithDueEvents(manager, now, limit * CANDIDATES_PER_WANTED + perApp.held.size)) {
      const left = perApp.max - (perApp.held.get(clientId) ?? 0);
      if (left > 0 && allowance.size < limit * CANDIDATES_PER_WANTED) allowance.set(clientId, left);
    }
    if (allowance.size === 0) return [];
    return this.dialect === 'mysql'
      ? this.claimOnMysql(manager, claim, now, limit, claimedUntil, allowance)
      : this.claimOnSqlite(manager, claim, now, limit, claimedUntil, allowance);
  }

  /**
   * The apps with events due at `now` (claimed ones included), the one with the oldest first. Grouped by push_state
   * too, so that MySQL reads one index entry per app (a loose index scan) rather than every due event.
   */
  private async appsWithDueEvents(manager: EntityManager, now: Date, limit: number): Promise<string[]> {
    const rows: Array<{ client_id: string }> = await manager.query(
      `SELECT client_id, MIN(next_push_at) AS oldest FROM event_notification WHERE push_state = 'pending' AND next_push_at <= ?
       GROUP BY push_state, client_id ORDER BY oldest, client_id LIMIT ?`,
      [sqlTime(this.dialect, now), limit],
    );
    return rows.map((row) => row.client_id);
  }

  /**
   * Each app's oldest events due at `now` and not claimed, at most `wanted` of each and none it `excluded`, in
   * round-robin order: every app's first, then every app's second… (by due time, then app, within a round). Each app's
   * are read from the index in order, up to its count, however many it has due.
   */
  private candidates(now: Date, wanted: ReadonlyMap<string, number>, excluded: ReadonlyMap<string, readonly string[]>): SqlFragment {
    const at = sqlTime(this.dialect, now);
    const parts: string[] = [];
    const parameters: unknown[] = [];
    for (const [clientId, count] of wanted) {
      const skipped = excluded.get(clientId) ?? [];
      const index = parts.length;
      parts.push(
        `SELECT jti, client_id, next_push_at, ROW_NUMBER() OVER (ORDER BY next_push_at, sequence) AS app_rank FROM (
           SELECT jti, client_id, next_push_at, sequence FROM event_notification
           WHERE push_state = 'pending' AND client_id = ? AND next_push_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)${skipped.length > 0 ? ` AND jti NOT IN (${placeholders(skipped)})` : ''}
           ORDER BY next_push_at, sequence LIMIT ?) AS due_${index}`,
      );
      parameters.push(clientId, at, at, ...skipped, count);
    }
    return { sql: `SELECT jti, client_id FROM (${parts.join(' UNION ALL ')}) AS candidate ORDER BY app_rank, next_push_at, client_id`, parameters };
  }

  /**
   * Locks the candidates in order with `SKIP LOCKED` (reading what the claim returns), taking those still due up to
   * each app's allowance; when others got some first, reads the next candidates (those seen left out) until it has
   * `limit`, or none are left.
   */
  private async claimOnMysql(
    manager: EntityManager,
    claim: string,
    now: Date,
    limit: number,
    claimedUntil: Date,
    allowance: ReadonlyMap<string, number>,
  ): Promise<ClaimedRow[]> {
    const taken: ClaimedRow[] = [];
    const left = new Map(allowance);
    const seen = new Map<string, string[]>();
    for (let round = 0; taken.length < limit && round < MAX_CLAIM_ROUNDS; round += 1) {
      const wanted = new Map([...left].filter(([, count]) => count > 0).map(([clientId, count]) => [clientId, count * CANDIDATES_PER_WANTED]));
      if (wanted.size === 0) break;
      const ranked = this.candidates(now, wanted, seen);
      const found: Candidate[] = await manager.query(ranked.sql, ranked.parameters);
      if (found.length === 0) break;
      for (let next = 0; taken.length < limit && next < found.length;) {
        const chunk = found.slice(next, next + limit - taken.length);
        next += chunk.length;
        // Only the jtis in the condition, so that the unique index is the one read: a locking read locks every row it
        // reads. Whether each is still due is checked on the row read under the lock (another process may have
        // claimed it since the candidates were read).
        const locked: Array<ClaimedRow & { push_state: string; next_push_at: Date | null; claimed_until: Date | null }> = await manager.query(
          `SELECT client_id, sequence, jti, token, push_attempts, push_state, next_push_at, claimed_until FROM event_notification
           WHERE jti IN (${placeholders(chunk)}) FOR UPDATE SKIP LOCKED`,
          chunk.map((candidate) => candidate.jti),
        );
        const due = new Map(locked.filter((row) => isDue(row, now)).map((row) => [row.jti, row]));
        for (const candidate of chunk) {
          const room = left.get(candidate.client_id) ?? 0;
          const row = due.get(candidate.jti);
          if (!row || room === 0 || taken.length >= limit) continue;
          taken.push({ client_id: row.client_id, sequence: row.sequence, jti: row.jti, token: row.token, push_attempts: row.push_attempts });
          left.set(candidate.client_id, room - 1);
        }
      }
      for (const candidate of found) seen.set(candidate.client_id, [...(seen.get(candidate.client_id) ?? []), candidate.jti]);
    }
    if (taken.length === 0) return [];
    const jtis = taken.map((row) => row.jti);
    await manager.query(`UPDATE event_notification SET claimed_by = ?, claimed_until = ? WHERE jti IN (${placeholders(jtis)})`, [
      claim,
      claimedUntil,
      ...jtis,
    ]);
    return taken;
  }

  /** Takes the first `limit` candidates in one statement: they are read under the database's write lock. */
  private async claimOnSqlite(
    manager: EntityManager,
    claim: string,
    now: Date,
    limit: number,
    claimedUntil: Date,
    allowance: ReadonlyMap<string, number>,
  ): Promise<ClaimedRow[]> {
    const ranked = this.candidates(now, allowance, new Map());
    return manager.query(
      `UPDATE event_notification SET claimed_by = ?, claimed_until = ?
       WHERE jti IN (SELECT jti FROM (${ranked.sql}) AS chosen LIMIT ?)
       RETURNING client_id, sequence, jti, token, push_attempts`,
      [claim, sqlTime(this.dialect, claimedUntil), ...ranked.parameters, limit],
    );
  }

  /** Records the results still under their claims, in the caller's transaction. */
  private async recordWithin(manager: EntityManager, results: readonly PushResult[]): Promise<ReadonlySet<string>> {
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
}

/** Whether a row read under a lock is still due at `now`: pending, due, and not held by a running claim. */
function isDue(row: { push_state: string; next_push_at: Date | null; claimed_until: Date | null }, now: Date): boolean {
  return (
    row.push_state === PushState.Pending &&
    row.next_push_at !== null &&
    row.next_push_at.getTime() <= now.getTime() &&
    (row.claimed_until === null || row.claimed_until.getTime() < now.getTime())
  );
}

/** A piece of SQL and the values of its placeholders, in order. */
interface SqlFragment {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** A due event a claim may take, as read. */
interface Candidate {
  jti: string;
  client_id: string;
}

/** A MySQL claim reads this many candidates per event it still wants of an app (see `claimOnMysql`). */
const CANDIDATES_PER_WANTED = 2;
/** The most rounds of candidates one MySQL claim reads while other processes take them first. */
const MAX_CLAIM_ROUNDS = 16;

/** A new claim's name. */
function newClaim(): string {
  return randomBytes(16).toString('base64url');
}

/** `?, ?, …`: one placeholder per value. */
function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}
