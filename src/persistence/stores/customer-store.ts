import type { DataSource } from 'typeorm';
import type { Customer, CustomerStore } from '../../domain/customers/customer.js';
import type { CustomerRow } from '../entities/customer.entity.js';
import { isStorableId } from '../sql.js';
import { loginAttemptsOf } from './login-attempts.js';

/** Customers in the `customer` table. */
export class TypeOrmCustomerStore implements CustomerStore {
  private readonly attempts = loginAttemptsOf(() => this.customers);

  constructor(private readonly dataSource: DataSource) {}

  private get customers() {
    return this.dataSource.getRepository<CustomerRow>('Customer');
  }

  async findByUsername(username: string): Promise<Customer | null> {
    return isStorableId(username) ? toCustomer(await this.customers.findOneBy({ username: username.toLowerCase() })) : null;
  }

  async findById(id: string): Promise<Customer | null> {
    return isStorableId(id) ? toCustomer(await this.customers.findOneBy({ id })) : null;
  }

  reserveLoginAttempt(customerId: string, now: Date, maxAttempts: number): Promise<boolean> {
    return this.attempts.reserveLoginAttempt(customerId, now, maxAttempts);
  }

  lockIfAttemptsExhausted(customerId: string, maxAttempts: number, lockUntil: Date): Promise<boolean> {
    return this.attempts.lockIfAttemptsExhausted(customerId, maxAttempts, lockUntil);
  }

  recordSuccessfulLogin(customerId: string): Promise<void> {
    return this.attempts.recordSuccessfulLogin(customerId);
  }
}

function toCustomer(row: CustomerRow | null): Customer | null {
  return row ? { ...row, environment: row.environment === 'sandbox' ? 'sandbox' : 'live' } : null;
}
