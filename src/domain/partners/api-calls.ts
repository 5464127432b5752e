/**
 * One call a partner app made to the resource API, or one attempt to open its live event stream, as its developers
 * see it in the portal.
 */
export interface ApiCall {
  readonly clientId: string;
  readonly at: Date;
  readonly method: string;
  /** Without the query string (it may carry page cursors). */
  readonly path: string;
  readonly status: number;
  readonly interactionId: string;
  /** The consent a customer token was bound to, if any: its "last used" time moves with the call. */
  readonly consentId: string | null;
  /**
   * What the status alone does not say, if anything: why a live stream was refused (the error code and message the
   * app was answered), or where an opened one started.
   */
  readonly reason: string | null;
}

/** How many of an app's most recent calls are kept and shown. */
export const API_CALLS_KEPT_PER_APP = 100;

/** Persistence of the call log. */
export interface ApiCallLog {
  /** Stores the calls and moves the "last used" time of the consents they used, in one transaction. */
  append(calls: readonly ApiCall[]): Promise<void>;
  /** The app's newest calls, newest first. */
  listRecent(clientId: string, limit: number): Promise<ApiCall[]>;
}
