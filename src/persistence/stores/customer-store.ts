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

  /** Counts a failure; a lock starts a fresh count, so the customer gets a full set of attempts once it ends. */
  async recordFailedLogin(customerId: string, lockUntil: Date | null): Promise<void> {
    await this.customers
      .createQueryBuilder()
      .update()
      .set(lockUntil ? { failedLoginCount: 0, lockedUntil: lockUntil } : { failedLoginCount: () => 'failed_login_count + 1' })
      .where('id = :customerId', { customerId })
      .execute();
  }

  async recordSuccessfulLogin(customerId: string): Promise<void> {
    await this.customers.update({ id: customerId }, { failedLoginCount: 0, lockedUntil: null });
  }
}
