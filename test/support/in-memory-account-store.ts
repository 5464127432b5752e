import type { Account, AccountStore } from '../../src/domain/accounts/account.js';
import { buildSandboxSeed } from '../../src/sandbox/sandbox-seed.js';

/** The sandbox bank's accounts (customers' and the bank's own) in memory for domain tests; `change` edits one for a test. */
export class InMemoryAccountStore implements AccountStore {
  private readonly accounts: Account[];

  constructor(change: (account: Account) => Account = (account) => account) {
    this.accounts = buildSandboxSeed(new Date('2030-01-01T00:00:00Z')).accounts.map(change);
  }

  async listByCustomer(customerId: string): Promise<Account[]> {
    return this.accounts.filter((account) => account.holder.kind === 'customer' && account.holder.customerId === customerId);
  }

  async listByIds(ids: readonly string[]): Promise<Account[]> {
    return ids.flatMap((id) => this.accounts.filter((account) => account.id === id));
  }

  async findByIdentification(schemeName: string, identification: string): Promise<Account | null> {
    return (
      this.accounts.find((account) =>
        account.identifications.some((item) => item.schemeName === schemeName && item.identification === identification),
      ) ?? null
    );
  }

  /** Every account, for setting up an in-memory ledger. */
  all(): readonly Account[] {
    return this.accounts;
  }
}
