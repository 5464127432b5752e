/**
 * A mark every process of the bank can read, which moves whenever any app changes (registration, status, keys,
 * redirect URIs, metadata): what a process caches about apps is good for as long as the mark it was read under is
 * still the current one. Kept in Redis when the bank has one (`REDIS_URL`), otherwise in the database, where every
 * change to apps moves it in its own transaction.
 */
export interface AppChangeMarks {
  /**
   * The mark now.
   * @throws when it cannot be told now (the caller then reads apps without its cache).
   */
  current(): Promise<string>;
}

/**
 * Moves a shared mark other than the database's (Redis) around a change to apps: before the change commits, so that a
 * mark that cannot be moved stops the change, and again once it committed, so that what was read in between is
 * dropped too.
 */
export interface AppChangeAnnouncer {
  /** @throws when the mark cannot be moved: the change must not be made. */
  beforeChange(): Promise<void>;
  /** Never throws: a failure is logged (caches then hold the app until their bounded age runs out). */
  afterChange(): Promise<void>;
}
