/**
 * A mark every process of the bank can read, which moves whenever any app changes (registration, status, keys,
 * redirect URIs, metadata): what a process caches about apps is good for as long as the mark it was read under is
 * still the current one. Kept in the database, where every change to apps moves it in its own transaction — whichever
 * process makes the change, and whether or not the bank has Redis.
 */
export interface AppChangeMarks {
  /**
   * The mark now.
   * @throws when it cannot be told now (the caller then reads apps without its cache).
   */
  current(): Promise<string>;
}
