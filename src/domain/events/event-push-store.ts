import type { PushState } from './event-outbox.js';
import type { PushAttempt, PushDecision } from './event-push.js';

/** An event whose push this process has claimed: no other process pushes it until the claim ends or expires. */
export interface ClaimedPush {
  readonly clientId: string;
  /** The app's number of the event; null while it is not numbered yet (a push needs none). */
  readonly sequence: number | null;
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

/**
 * What became of one claimed push: an attempt and the decision about it; or stopped without an attempt, because the app
 * no longer has a callback URL (the event stays available to polling and the stream).
 */
export type PushResult =
  | { readonly push: ClaimedPush; readonly attempt: PushAttempt; readonly decision: PushDecision }
  | { readonly push: ClaimedPush; readonly attempt: null; readonly decision: { readonly state: typeof PushState.None } };

/** How many events of one app a claim may take. */
export interface PerAppLimit {
  /** The most claims one app may have held by this claimer at once. */
  readonly max: number;
  /** Claims the claimer already holds, per app (client id): a claim takes at most `max` less these for the app. */
  readonly held: ReadonlyMap<string, number>;
}

/** What a claim asks for (see {@link EventPushStore.claimDuePushes}). */
export interface ClaimRequest {
  readonly now: Date;
  readonly limit: number;
  readonly claimedUntil: Date;
  readonly perApp?: PerAppLimit;
}

/** Persistence of pushes, implemented by persistence: any number of processes share the work. */
export interface EventPushStore {
  /**
   * Claims up to `limit` events whose push is due at `now` (pending, due, and not claimed by a process whose claim is
   * still running), each for exactly one caller, until `claimedUntil`; a crashed process's claim simply expires.
   * With `perApp`, no app gets more than its allowance. Taken round-robin: every app's oldest due event before any
   * app's second one, so an app with a flood of due events does not push the others' behind it.
   */
  claimDuePushes(now: Date, limit: number, claimedUntil: Date, perApp?: PerAppLimit): Promise<ClaimedPush[]>;
  /**
   * Records what became of a batch of pushes in one transaction: each attempt with the decision about it, and the pushes
   * stopped. A result whose claim was lost (it expired and another process took the event) is not recorded.
   * @returns the `jti`s of the results recorded.
   */
  recordPushResults(results: readonly PushResult[]): Promise<ReadonlySet<string>>;
  /**
   * {@link recordPushResults}, then {@link claimDuePushes}, in one transaction: a busy pipeline commits once per step.
   * Nothing is recorded and nothing claimed when it fails.
   */
  recordAndClaim(results: readonly PushResult[], claim: ClaimRequest): Promise<{ recorded: ReadonlySet<string>; claimed: ClaimedPush[] }>;
}
