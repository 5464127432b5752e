import type { ObjectLiteral, Repository } from 'typeorm';
import type { LoginAttemptStore } from '../../domain/auth/password-login.js';

/** Rows that log in with a password: they count failed attempts and can be locked. */
interface LoginRow extends ObjectLiteral {
  id: string;
  failedLoginCount: number;
  lockedUntil: Date | null;
}

/**
 * Login bookkeeping over a table with `id`, `failed_login_count` and `locked_until` (customers, portal users):
 * each step is one conditional UPDATE, so concurrent attempts cannot exceed the limit.
 */
export function loginAttemptsOf<Row extends LoginRow>(repository: () => Repository<Row>): LoginAttemptStore {
  return {
    async reserveLoginAttempt(id, now, maxAttempts) {
      const result = await repository()
        .createQueryBuilder()
        .update()
        .set({ failedLoginCount: () => 'failed_login_count + 1' } as never)
        .where('id = :id AND (locked_until IS NULL OR locked_until <= :now) AND failed_login_count < :maxAttempts', { id, now, maxAttempts })
        .execute();
      return Boolean(result.affected);
    },
    /** A lock starts a fresh count, so a full set of attempts is back once it ends. */
    async lockIfAttemptsExhausted(id, maxAttempts, lockUntil) {
      const result = await repository()
        .createQueryBuilder()
        .update()
        .set({ failedLoginCount: 0, lockedUntil: lockUntil } as never)
        .where('id = :id AND failed_login_count >= :maxAttempts', { id, maxAttempts })
        .execute();
      return Boolean(result.affected);
    },
    async recordSuccessfulLogin(id) {
      await repository()
        .createQueryBuilder()
        .update()
        .set({ failedLoginCount: 0, lockedUntil: null } as never)
        .where('id = :id', { id })
        .execute();
    },
  };
}
