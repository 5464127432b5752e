import { EntitySchema } from '../typeorm.js';
import type { ColumnTypes } from './column-types.js';

export interface CustomerRow {
  id: string;
  username: string;
  displayName: string;
  /** Where the bank tells the customer what became of what they started; null: none recorded. */
  email: string | null;
  passwordHash: string;
  failedLoginCount: number;
  lockedUntil: Date | null;
  environment: string;
  createdAt: Date;
}

/** `customer`: bank customers who log in to authorise consents. */
export function customerEntity(types: ColumnTypes): EntitySchema<CustomerRow> {
  return new EntitySchema<CustomerRow>({
    name: 'Customer',
    tableName: 'customer',
    columns: {
      id: types.id(40, { primary: true }),
      username: types.id(64),
      displayName: types.text(140, { name: 'display_name' }),
      email: types.text(254, { nullable: true }),
      passwordHash: types.id(255, { name: 'password_hash' }),
      failedLoginCount: types.integer({ name: 'failed_login_count', default: 0 }),
      lockedUntil: types.timestamp({ name: 'locked_until', nullable: true }),
      environment: types.id(16, { default: 'live' }),
      createdAt: types.timestamp({ name: 'created_at' }),
    },
    indices: [{ name: 'ux_customer_username', columns: ['username'], unique: true }],
  });
}
