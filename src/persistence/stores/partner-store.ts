import type { DataSource } from 'typeorm';
import type { PartnerApp, PartnerStore } from '../../domain/partners/partner-app.js';
import type { JsonDocument } from '../entities/column-types.js';
import type { OidcModelRow } from '../entities/oidc-model.entity.js';
import type { PartnerRow, SoftwareRow } from '../entities/partner.entity.js';
import { inTransaction } from '../transactions.js';

/**
 * Partners and their apps. An app's OAuth metadata is written to `oidc_model` (model `Client`), where
 * oidc-provider looks clients up, in the same transaction as the bank's own record of the app.
 */
export class TypeOrmPartnerStore implements PartnerStore {
  constructor(private readonly dataSource: DataSource) {}

  async insertApp(app: PartnerApp, clientMetadata: Record<string, unknown>): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      await manager.getRepository<PartnerRow>('Partner').insert({ id: app.partnerId, name: app.partnerName, status: 'active', createdAt: app.createdAt });
      await manager.getRepository<SoftwareRow>('Software').insert({
        clientId: app.clientId,
        partnerId: app.partnerId,
        name: app.name,
        roles: [...app.roles],
        environment: app.environment,
        status: app.status,
        createdAt: app.createdAt,
      });
      await manager.getRepository<OidcModelRow>('OidcModel').insert({
        model: 'Client',
        id: app.clientId,
        payload: clientMetadata as JsonDocument,
        grantId: null,
        userCode: null,
        uid: null,
        expiresAt: null,
        consumedAt: null,
      });
    });
  }

  async findApp(clientId: string): Promise<PartnerApp | null> {
    const software = await this.dataSource.getRepository<SoftwareRow>('Software').findOneBy({ clientId });
    if (!software) return null;
    const partner = await this.dataSource.getRepository<PartnerRow>('Partner').findOneBy({ id: software.partnerId });
    return {
      clientId: software.clientId,
      partnerId: software.partnerId,
      partnerName: partner?.name ?? software.name,
      name: software.name,
      roles: software.roles as PartnerApp['roles'],
      environment: software.environment as PartnerApp['environment'],
      status: software.status as PartnerApp['status'],
      createdAt: software.createdAt,
    };
  }
}
