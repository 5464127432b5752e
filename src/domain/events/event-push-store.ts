import type { PushAttempt, PushDecision } from './event-push.js';

/** An event whose push this process has claimed: no other process pushes it until the claim ends or expires. */
export interface ClaimedPush {
  readonly clientId: string;
  readonly sequence: number;
  readonly jti: string;
  /** The signed SET, sent as it was stored. */
  readonly token: string;
  /** Attempts made before this one. */
  readonly pushAttempts: number;
  /** Names this claim: a result is recorded only while the claim is still this one. */
  readonly claim: string;
  /** The callback URL of the app's subscription as it is now; null: it has none any more. */
  readonly callbackUrl: string | null;
}

/** Persistence of pushes, implemented by persistence: any number of processes share the work. */
export interface EventPushStore {
  /**
   * Claims up to `limit` events whose push is due at `now` (pending, due, and not claimed by a process whose claim is
   * still running), each for exactly one caller, until `claimedUntil`; a crashed process's claim simply expires.
   */
  claimDuePushes(now: Date, limit: number, claimedUntil: Date): Promise<ClaimedPush[]>;
  /**
   * Records the attempt and the decision about it in one transaction.
   * @returns false (and records nothing) when the claim was lost: it expired and another process took the event.
   */
  recordPushAttempt(push: ClaimedPush, attempt: PushAttempt, decision: PushDecision): Promise<boolean>;
  /** The app no longer has a callback URL: the event stops waiting for a push (polling still offers it). */
  stopPush(push: ClaimedPush): Promise<boolean>;
}
