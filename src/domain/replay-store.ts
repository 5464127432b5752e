/**
 * Remembers one-time values — DPoP proof and client assertion `jti`s, signed registration requests — for as long as
 * they could be presented again, for every process that serves the bank (README "Scaling": Redis, this process's
 * memory, or the database).
 */
export interface ReplayStore {
  /**
   * Remembers `key` within `scope` until `expiresAt`, in one atomic step.
   * @returns false when the key was already remembered: a replay.
   * @throws ReplayStoreUnavailable when the store cannot answer now (an outage: 503, never a 500).
   */
  rememberOnce(scope: string, key: string, expiresAt: Date): Promise<boolean>;
}

/** The shared replay store cannot answer (unreachable, or too slow): whether a value is fresh is unknown. */
export class ReplayStoreUnavailable extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ReplayStoreUnavailable';
  }
}
