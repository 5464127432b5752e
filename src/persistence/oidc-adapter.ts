import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { DataSource, Repository } from 'typeorm';
import { IsNull } from './typeorm.js';
import type { AppChangeMarks } from '../domain/partners/app-change-marks.js';
import type { ReplayStore } from '../domain/replay-store.js';
import { ClientCache } from './client-cache.js';
import type { JsonDocument } from './entities/column-types.js';
import type { OidcModelRow } from './entities/oidc-model.entity.js';
import { readAppStanding } from './stores/partner-store.js';
import { isStorableId } from './sql.js';

/** The replay store's scope of oidc-provider's one-time values (`ReplayDetection`). */
const REPLAY_SCOPE = 'oidc-jti';

/** Models whose `consume` must succeed at most once (a second redemption is a replay). */
const SINGLE_USE_MODELS = new Set([
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PushedAuthorizationRequest',
  'PreAuthorizedCode',
]);

/**
 * Builds the oidc-provider adapter over the `oidc_model` table (research note §2.5):
 * - upsert is one `INSERT … ON CONFLICT/DUPLICATE KEY UPDATE` and never clears `consumed_at`;
 * - `consume` is a conditional update, so of two concurrent redemptions exactly one wins;
 * - `ReplayDetection` (the `jti`s of client assertions and DPoP proofs) lives in the replay store, not the table: `find`
 *   answers nothing and `upsert` remembers the value in one atomic step, refusing it (`invalid_request`) when it was
 *   seen before — also when two processes race with it — so a token request costs no read for it;
 * - `expires_at` leaves `clockTolerance` of slack because the provider checks expiry itself;
 * - clients are the partners' apps: read from `software`, and found only while `active` (with the portal app of
 *   their software, for DCR clients), so a disabled, suspended or deregistered app gets `invalid_client` at every
 *   endpoint from its very next request. They are kept in a {@link ClientCache} while the app change mark (`appChanges`)
 *   has not moved, which every change to apps moves for every process, so that bites on the very next request too.
 */
export function createOidcAdapter(
  dataSource: DataSource,
  replayStore: ReplayStore,
  { clockToleranceSeconds = 15, appChanges }: { clockToleranceSeconds?: number; appChanges?: AppChangeMarks } = {},
): new (name: string) => Adapter {
  const clients = appChanges ? new ClientCache(appChanges) : null;
  const readClient = async (clientId: string) => {
    const app = await readAppStanding(dataSource, clientId);
    return app?.status === 'active' ? app.clientMetadata : undefined;
  };
  const repository: Repository<OidcModelRow> = dataSource.getRepository<OidcModelRow>('OidcModel');

  const toPayload = (row: OidcModelRow | null): AdapterPayload | undefined => {
    if (!row) return undefined;
    const payload = row.payload as AdapterPayload;
    return row.consumedAt ? { ...payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) } : payload;
  };

  return class TypeOrmOidcAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      if (this.model === 'Client') throw new Error('clients are registered through the partner store, not the provider');
      if (this.model === 'ReplayDetection') {
        const expiresAt = new Date(Date.now() + ((expiresIn ?? 0) + clockToleranceSeconds) * 1000);
        if (!(await replayStore.rememberOnce(REPLAY_SCOPE, id, expiresAt))) throw new errors.InvalidRequest('replayed one-time value (jti) detected');
        return;
      }
      const row = {
        model: this.model,
        id,
        payload: payload as JsonDocument,
        grantId: payload.grantId ?? null,
        userCode: payload.userCode ?? null,
        uid: payload.uid ?? null,
        expiresAt: expiresIn ? new Date(Date.now() + (expiresIn + clockToleranceSeconds) * 1000) : null,
      };
      await repository.upsert(row, { conflictPaths: ['model', 'id'], skipUpdateIfNoValuesChanged: false });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (!isStorableId(id) || this.model === 'ReplayDetection') return undefined;
      if (this.model === 'Client') {
        return clients ? clients.find(id, () => readClient(id)) : readClient(id);
      }
      return toPayload(await repository.findOneBy({ model: this.model, id }));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return isStorableId(uid) ? toPayload(await repository.findOneBy({ model: this.model, uid })) : undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return isStorableId(userCode) ? toPayload(await repository.findOneBy({ model: this.model, userCode })) : undefined;
    }

    async consume(id: string): Promise<void> {
      if (!isStorableId(id)) throw new errors.InvalidGrant(`${this.model} was already used`);
      const result = await repository.update({ model: this.model, id, consumedAt: IsNull() }, { consumedAt: new Date() });
      if (!result.affected && SINGLE_USE_MODELS.has(this.model)) {
        throw new errors.InvalidGrant(`${this.model} was already used`);
      }
    }

    async destroy(id: string): Promise<void> {
      await repository.delete({ model: this.model, id });
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await repository.delete({ model: this.model, grantId });
    }
  };
}
