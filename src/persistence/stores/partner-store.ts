import type { DataSource } from 'typeorm';
import type { AppStanding, ClientMetadata, Partner, PartnerApp, PartnerStore } from '../../domain/partners/partner-app.js';
import { bumpAppChangeMark } from './app-change-sql.js';
import { APP_STANDING_COLUMNS, appStandingOf, type AppStandingRow } from './app-standing-sql.js';
import type { PartnerRow, SoftwareRow } from '../entities/partner.entity.js';
import { isDuplicateKeyError, isStorableId } from '../sql.js';
import { inTransaction } from '../transactions.js';

/**
 * Partners and their apps. An app's OAuth metadata lives in `software.client_metadata`, where the authorization
 * server's adapter reads clients (see `oidc-adapter.ts`). Every write to apps moves the app change mark in its own
 * transaction, so that no process keeps a client it cached before — whichever process made the change.
 */
export class TypeOrmPartnerStore implements PartnerStore {
  constructor(private readonly dataSource: DataSource) {}

  async insertApp(app: PartnerApp, partner: Partner | null): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      if (partner) await manager.getRepository<PartnerRow>('Partner').insert({ ...partner });
      await manager.getRepository<SoftwareRow>('Software').insert(toRow(app));
      await bumpAppChangeMark(manager);
    });
  }

  async findApp(clientId: string): Promise<PartnerApp | null> {
    if (!isStorableId(clientId)) return null;
    return (await this.findApps('s.clientId = :value', clientId))[0] ?? null;
  }

  async findAppStanding(clientId: string): Promise<AppStanding | null> {
    const standing = await readAppStanding(this.dataSource, clientId);
    return standing && { status: standing.status, version: standing.version };
  }

  async listApps(partnerId: string): Promise<PartnerApp[]> {
    return isStorableId(partnerId) ? this.findApps('s.partnerId = :value', partnerId) : [];
  }

  async listAppsOfSoftware(softwareId: string): Promise<PartnerApp[]> {
    return isStorableId(softwareId) ? this.findApps('s.softwareId = :value', softwareId) : [];
  }

  async findPartner(partnerId: string): Promise<Partner | null> {
    if (!isStorableId(partnerId)) return null;
    const row = await this.dataSource.getRepository<PartnerRow>('Partner').findOneBy({ id: partnerId });
    return row ? toPartner(row) : null;
  }

  async insertPartnerIfAbsent(partner: Partner): Promise<void> {
    try {
      await this.dataSource.getRepository<PartnerRow>('Partner').insert({ ...partner });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async saveApps(apps: readonly PartnerApp[]): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      for (const app of apps) {
        const { clientId, version, createdAt: _createdAt, ...changes } = toRow(app);
        const result = await manager
          .getRepository<SoftwareRow>('Software')
          .createQueryBuilder()
          .update()
          .set({ ...changes, version: () => 'version + 1' })
          .where('client_id = :clientId AND version = :version', { clientId, version })
          .execute();
        if (!result.affected) throw new VersionConflict();
      }
      await bumpAppChangeMark(manager);
      return true;
    }).catch((error: unknown) => {
      if (error instanceof VersionConflict) return false;
      throw error;
    });
  }

  private async findApps(condition: string, value: string): Promise<PartnerApp[]> {
    const rows = await this.dataSource
      .getRepository<SoftwareRow>('Software')
      .createQueryBuilder('s')
      .innerJoin('Partner', 'p', 'p.id = s.partnerId')
      .addSelect('p.name', 'partnerName')
      .where(condition, { value })
      .orderBy('s.createdAt', 'DESC')
      .addOrderBy('s.clientId', 'ASC')
      .getRawAndEntities();
    return rows.entities.map((row, index) => toApp(row, String((rows.raw[index] as { partnerName: string }).partnerName)));
  }
}

/**
 * An app's effective standing (see `effectiveStatus`) and client metadata, in one statement over the primary key and
 * the software index: read by the provider's adapter and by API calls that read no consent.
 */
export async function readAppStanding(dataSource: DataSource, clientId: string): Promise<(AppStanding & { clientMetadata: ClientMetadata }) | null> {
  if (!isStorableId(clientId)) return null;
  const rows: Array<AppStandingRow & { client_metadata: string }> = await dataSource.query(
    `SELECT app.client_metadata, ${APP_STANDING_COLUMNS} FROM software app WHERE app.client_id = ?`,
    [clientId],
  );
  const row = rows[0];
  const standing = row ? appStandingOf(row) : null;
  return row && standing ? { ...standing, clientMetadata: JSON.parse(row.client_metadata) as ClientMetadata } : null;
}

/** Thrown inside the transaction to roll back every write when one app's version no longer matches. */
class VersionConflict extends Error {}

function toRow(app: PartnerApp): SoftwareRow {
  return {
    clientId: app.clientId,
    partnerId: app.partnerId,
    softwareId: app.softwareId,
    name: app.name,
    description: app.description,
    roles: [...app.roles],
    environment: app.environment,
    status: app.status,
    origin: app.origin,
    clientMetadata: app.clientMetadata,
    softwareStatement: app.softwareStatement,
    registrationTokenHash: app.registrationTokenHash,
    version: app.version,
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
  };
}

function toApp(row: SoftwareRow, partnerName: string): PartnerApp {
  return {
    clientId: row.clientId,
    partnerId: row.partnerId,
    partnerName,
    softwareId: row.softwareId,
    name: row.name,
    description: row.description,
    roles: row.roles as PartnerApp['roles'],
    environment: row.environment as PartnerApp['environment'],
    status: row.status as PartnerApp['status'],
    origin: row.origin as PartnerApp['origin'],
    clientMetadata: row.clientMetadata as ClientMetadata,
    softwareStatement: row.softwareStatement as PartnerApp['softwareStatement'],
    registrationTokenHash: row.registrationTokenHash,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toPartner(row: PartnerRow): Partner {
  return { id: row.id, name: row.name, status: row.status as Partner['status'], createdAt: row.createdAt };
}
