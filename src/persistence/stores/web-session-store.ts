import type { DataSource } from 'typeorm';
import type { SessionKind, WebSession, WebSessionStore } from '../../domain/auth/web-session.js';
import type { WebSessionRow } from '../entities/portal.entity.js';

/** Browser sessions in `web_session` (expired rows are purged by housekeeping). */
export class TypeOrmWebSessionStore implements WebSessionStore {
  constructor(private readonly dataSource: DataSource) {}

  private get sessions() {
    return this.dataSource.getRepository<WebSessionRow>('WebSession');
  }

  async insert(session: WebSession): Promise<void> {
    await this.sessions.insert({ ...session });
  }

  async find(idHash: string, kind: SessionKind): Promise<WebSession | null> {
    const row = await this.sessions.findOneBy({ idHash, kind });
    return row ? { ...row, kind: row.kind as SessionKind } : null;
  }

  async extend(idHash: string, idleExpiresAt: Date): Promise<void> {
    await this.sessions.update({ idHash }, { idleExpiresAt });
  }

  async delete(idHash: string): Promise<void> {
    await this.sessions.delete({ idHash });
  }
}
