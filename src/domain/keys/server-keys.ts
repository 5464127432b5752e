/** What a key kept by the bank itself is for: the sandbox's token signing key and cookie secret, the directory's key. */
export type ServerKeyPurpose = 'signing' | 'cookie' | 'directory';

/** Key material generated on first start and kept in the database, so that every process signs and verifies alike. */
export interface ServerKey {
  readonly id: string;
  readonly purpose: ServerKeyPurpose;
  /** A private JWK, or `{ secret }` for a cookie secret. */
  readonly material: Record<string, unknown>;
  readonly createdAt: Date;
}

/** Persistence of the bank's own keys. */
export interface ServerKeyStore {
  /** Every stored key of a purpose, newest first. */
  list(purpose: ServerKeyPurpose): Promise<ServerKey[]>;
  /**
   * Stores `candidate` unless a key with the same id exists, and returns the stored one: two processes that start
   * together end up with the same key.
   */
  insertIfAbsent(candidate: ServerKey): Promise<ServerKey>;
}
