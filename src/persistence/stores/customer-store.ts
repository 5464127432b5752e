import type { DataSource } from 'typeorm';
import type { Customer, CustomerStore } from '../../domain/customers/customer.js';
import type { CustomerRow } from '../entities/customer.entity.js';
import { isStorableId } from '../sql.js';

/** Customers in the `customer` table. */
export class TypeOrmCustomerStore implements CustomerStore {
  constructor(private readonly dataSource: DataSource) {}

  private get customers() {
    return this.dataSource.getRepository<CustomerRow>('Customer');
  }

  async findByUsername(username: string): Promise<Customer | null> {
    return isStorableId(username) ? this.customers.findOneBy({ username: username.toLowerCase() }) : null;
  }

  async findById(id: string): Promise<Customer | null> {
    return isStorableId(id) ? this.customers.findOneBy({ id }) : null;
  }

  async reserveLoginAttempt(customerId: string, now: Date, maxAttempts: number): Promise<boolean> {
    const result = await this.customers
      .createQueryBuilder()
      .update()
      .set({ failedLoginCount: () => 'failed_login_count + 1' })
      .where('id = :customerId AND (locked_until IS NULL OR locked_until <= :now) AND failed_login_count < :maxAttempts', { customerId, now, maxAttempts })
      .execute();
    return Boolean(result.affected);
  }

  /** A lock starts a fresh count, so the customer gets a full set of attempts once it ends. */
  async lockIfAttemptsExhausted(customerId: string, maxAttempts: number, lockUntil: Date): Promise<boolean> {
    const result = await this.customers
      .createQueryBuilder()
      .update()
      .set({ failedLoginCount: 0, lockedUntil: lockUntil })
      .where('id = :customerId AND failed_login_count >= :maxAttempts', { customerId, maxAttempts })
      .execute();
    return Boolean(result.affected);
  }

  async recordSuccessfulLogin(customerId: string): Promise<void> {
    await this.customers.update({ id: customerId }, { failedLoginCount: 0, lockedUntil: null });
  }
}
