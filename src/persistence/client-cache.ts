import type { AppChangeMarks } from '../domain/partners/app-change-marks.js';
import type { ClientMetadata } from '../domain/partners/partner-app.js';

/** Clients kept at most; beyond it the cache starts again empty (a bank has far fewer active apps). */
const MAX_CLIENTS = 10_000;
/** A safety net only: a client is read again after this long even if no change was announced (README "Scaling"). */
const MAX_AGE_MS = 60_000;

interface Entry {
  readonly metadata: ClientMetadata;
  readonly readAtMs: number;
}

/**
 * The active clients this process read, kept while the app change mark has not moved: any change to any app (a
 * suspension, a rotated key, new redirect URIs…) moves it, in every process's view at once (in the database, in the
 * change's own transaction), so a change bites on the very next request everywhere. Checking the mark costs one
 * primary-key read of a one-row table instead of reading the client with its standing. Only
 * active clients are kept: an unknown, suspended or disabled one is read every time. When the mark cannot be read,
 * the client is read from the database and nothing is kept.
 */
export class ClientCache {
  private mark: string | null = null;
  private readonly clients = new Map<string, Entry>();

  constructor(
    private readonly marks: AppChangeMarks,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /**
   * The client's metadata while it is active, from the cache when the mark has not moved since it was read, else
   * from `read` (kept when active).
   */
  async find(clientId: string, read: () => Promise<ClientMetadata | undefined>): Promise<ClientMetadata | undefined> {
    const mark = await this.marks.current().catch(() => null);
    if (mark === null || mark !== this.mark) {
      this.clients.clear();
      this.mark = mark;
    }
    const now = this.nowMs();
    const cached = this.clients.get(clientId);
    if (cached && now - cached.readAtMs < MAX_AGE_MS) return cached.metadata;
    const metadata = await read();
    if (mark === null || this.mark !== mark) return metadata;
    if (metadata === undefined) {
      this.clients.delete(clientId);
      return undefined;
    }
    if (this.clients.size >= MAX_CLIENTS) this.clients.clear();
    this.clients.set(clientId, { metadata, readAtMs: now });
    return metadata;
  }
}
