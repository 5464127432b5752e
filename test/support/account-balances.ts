import type { DataSource } from 'typeorm';
import type { AccountRow } from '../../src/persistence/entities/account.entity.js';

/** An account's cached booked balance (`account.balance_minor`), in minor units. */
export async function bookedBalance(dataSource: DataSource, accountId: string): Promise<bigint> {
  const account = await dataSource.getRepository<AccountRow>('Account').findOneByOrFail({ id: accountId });
  return account.balanceMinor;
}

/** The booked balances of several accounts, by account id. */
export async function bookedBalances(dataSource: DataSource, accountIds: readonly string[]): Promise<Record<string, bigint>> {
  return Object.fromEntries(await Promise.all(accountIds.map(async (id) => [id, await bookedBalance(dataSource, id)] as const)));
}
