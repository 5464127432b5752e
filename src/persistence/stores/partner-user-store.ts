import type { DataSource } from 'typeorm';
import type { Partner } from '../../domain/partners/partner-app.js';
import type { EmailConfirmation, PartnerUser, PartnerUserStore } from '../../domain/partners/partner-users.js';
import type { PartnerRow, PartnerUserRow } from '../entities/partner.entity.js';
import { isDuplicateKeyError, isStorableId } from '../sql.js';
import { inTransaction } from '../transactions.js';
import { loginAttemptsOf } from './login-attempts.js';

/** Portal users in `partner_user`; their login bookkeeping is one conditional UPDATE per step. */
export class TypeOrmPartnerUserStore implements PartnerUserStore {
  private readonly attempts = loginAttemptsOf(() => this.users);

  constructor(private readonly dataSource: DataSource) {}

  private get users() {
    return this.dataSource.getRepository<PartnerUserRow>('PartnerUser');
  }

  async insertWithPartner(partner: Partner, user: PartnerUser, confirmation: EmailConfirmation): Promise<boolean> {
    try {
      await inTransaction(this.dataSource, async (manager) => {
        await manager.getRepository<PartnerRow>('Partner').insert({ ...partner });
        await manager
          .getRepository<PartnerUserRow>('PartnerUser')
          .insert({ ...user, emailTokenHash: confirmation.tokenHash, emailTokenExpiresAt: confirmation.expiresAt });
      });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async findByEmail(email: string): Promise<PartnerUser | null> {
    return toUser(await this.users.findOneBy({ email }));
  }

  async findById(id: string): Promise<PartnerUser | null> {
    return isStorableId(id) ? toUser(await this.users.findOneBy({ id })) : null;
  }

  async replaceConfirmation(userId: string, confirmation: EmailConfirmation): Promise<void> {
    await this.users.update({ id: userId }, { emailTokenHash: confirmation.tokenHash, emailTokenExpiresAt: confirmation.expiresAt });
  }

  async confirmEmail(tokenHash: string, now: Date): Promise<string | null> {
    return inTransaction(this.dataSource, async (manager) => {
      const users = manager.getRepository<PartnerUserRow>('PartnerUser');
      const user = await users.findOneBy({ emailTokenHash: tokenHash });
      if (!user || !user.emailTokenExpiresAt || user.emailTokenExpiresAt <= now) return null;
      const result = await users.update(
        { id: user.id, emailTokenHash: tokenHash },
        { emailConfirmedAt: user.emailConfirmedAt ?? now, emailTokenHash: null, emailTokenExpiresAt: null },
      );
      return result.affected ? user.id : null;
    });
  }

  reserveLoginAttempt(id: string, now: Date, maxAttempts: number): Promise<boolean> {
    return this.attempts.reserveLoginAttempt(id, now, maxAttempts);
  }

  lockIfAttemptsExhausted(id: string, maxAttempts: number, lockUntil: Date): Promise<boolean> {
    return this.attempts.lockIfAttemptsExhausted(id, maxAttempts, lockUntil);
  }

  recordSuccessfulLogin(id: string): Promise<void> {
    return this.attempts.recordSuccessfulLogin(id);
  }
}

function toUser(row: PartnerUserRow | null): PartnerUser | null {
  if (!row) return null;
  const { emailTokenHash: _hash, emailTokenExpiresAt: _expiresAt, ...user } = row;
  return user;
}
