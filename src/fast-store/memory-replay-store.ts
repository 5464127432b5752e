import type { ReplayStore } from '../domain/replay-store.js';

/** How often, at most, remembered values whose time has passed are swept out. */
const SWEEP_INTERVAL_MS = 10_000;

/**
 * One-time values in this process's memory: for a bank served by one process (the embedded database), where
 * remembering a value is a map lookup instead of a durable database commit. Bounded by expiry: every value is
 * forgotten once its time has passed (swept at most every 10 s, on the next call), so the map holds at most what
 * arrived within the longest lifetime of a value. Forgotten on restart, which is safe for what it holds: a value is
 * only remembered for the few minutes it could be presented again.
 */
export class MemoryReplayStore implements ReplayStore {
  private readonly expiries = new Map<string, number>();
  private nextSweepAtMs = 0;

  constructor(private readonly nowMs: () => number = Date.now) {}

  rememberOnce(scope: string, key: string, expiresAt: Date): Promise<boolean> {
    const now = this.nowMs();
    if (now >= this.nextSweepAtMs) this.sweep(now);
    const entry = `${scope}\n${key}`;
    const expiresAtMs = this.expiries.get(entry);
    if (expiresAtMs !== undefined && expiresAtMs > now) return Promise.resolve(false);
    this.expiries.set(entry, expiresAt.getTime());
    return Promise.resolve(true);
  }

  /** How many values are held now, swept or not yet. */
  get size(): number {
    return this.expiries.size;
  }

  private sweep(now: number): void {
    for (const [entry, expiresAtMs] of this.expiries) {
      if (expiresAtMs <= now) this.expiries.delete(entry);
    }
    this.nextSweepAtMs = now + SWEEP_INTERVAL_MS;
  }
}
