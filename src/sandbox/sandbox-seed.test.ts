// Proves that the sandbox seed is deterministic (the same digest as before it left the domain) and yields a consistent bank: balanced transfers in the window, valid identifications, no broken overdrafts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import type { Account } from '../domain/accounts/account.js';
import { InvalidField } from '../domain/errors.js';
import { EXCHANGED_CURRENCIES } from '../domain/fx/rate-table.js';
import { assertBalancedTransfer, type TransferDraft } from '../domain/ledger/ledger.js';
import { SANDBOX_SORT_CODE } from './sandbox-accounts.js';
import { buildSandboxSeed, describeSandboxCustomers, type SandboxSeed } from './sandbox-seed.js';

const DAY_MS = 86_400_000;
const ANCHORS = ['2025-03-14T10:00:00.000Z', '2024-03-01T00:00:00.000Z', '2026-12-31T23:59:59.999Z'].map((text) => new Date(text));
const SEEDS = new Map(ANCHORS.map((anchor) => [anchor, buildSandboxSeed(anchor)]));

function seedFor(anchor: Date): SandboxSeed {
  const seed = SEEDS.get(anchor);
  assert.ok(seed);
  return seed;
}

function customerAccounts(seed: SandboxSeed): Account[] {
  return seed.accounts.filter((account) => account.holder.kind === 'customer');
}

function holderOf(seed: SandboxSeed, accountId: string): string | null {
  const account = seed.accounts.find((item) => item.id === accountId);
  assert.ok(account, `unknown account ${accountId}`);
  return account.holder.kind === 'customer' ? account.holder.customerId : null;
}

/** Both legs on customer accounts; `sameCustomer` tells own-account transfers from payments between customers. */
function isCustomerToCustomer(seed: SandboxSeed, transfer: TransferDraft, sameCustomer: boolean): boolean {
  const holders = transfer.entries.map((entry) => holderOf(seed, entry.accountId));
  const [first, second] = holders;
  return holders.length === 2 && first !== null && second !== null && (first === second) === sameCustomer;
}

/** ISO 13616 check: move the first four characters to the end, letters to numbers, the result mod 97 is 1. */
function ibanIsValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  const numeric = rearranged.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  return BigInt(numeric) % 97n === 1n;
}

describe('buildSandboxSeed', () => {
  it('buildSandboxSeed twice with the same anchor → identical output', () => {
    const anchor = new Date('2025-03-14T10:00:00.000Z');
    assert.deepEqual(buildSandboxSeed(anchor), buildSandboxSeed(new Date(anchor.getTime())));
  });

  it('buildSandboxSeed never calls Math.random', () => {
    const original = Math.random;
    Math.random = () => {
      throw new Error('Math.random used');
    };
    try {
      assert.deepEqual(buildSandboxSeed(ANCHORS[0] ?? new Date()), seedFor(ANCHORS[0] ?? new Date()));
    } finally {
      Math.random = original;
    }
  });

  it('the same bank, byte for byte, as the seed built in src/domain/sandbox before its data and generator moved to src/sandbox', () => {
    const digests: Record<string, string> = {
      '2025-03-14T10:00:00.000Z': '43b257ac9b62b6fe4f8e33b8502fe3c5ccf32160ecae3b21c9549243bc72cbaf',
      '2024-03-01T00:00:00.000Z': 'c7837d92c00e6399a44e9084a0e6311a0ef7f31d85190cfea0ef1fd1649b7fa5',
      '2026-12-31T23:59:59.999Z': '1d53a8e020d59cad74d88e87c55eda12c7be76b3dfb43baca5085952325564ca',
      '2030-01-01T00:00:00.000Z': 'd2575ad224f8ca3100f26652f78ccc170d9482d90435c0b1ea929f31e6d9bc23',
    };
    for (const [anchor, digest] of Object.entries(digests)) {
      const seed = buildSandboxSeed(new Date(anchor));
      const customers = seed.customers.map(({ email: _addedLater, ...customer }) => customer);
      const accounts = seed.accounts.filter((account) => !addedForInternationalPayments(account));
      const json = JSON.stringify({ ...seed, customers, accounts }, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value));
      assert.equal(createHash('sha256').update(json).digest('hex'), digest, anchor);
    }
  });

  /** The bank's accounts added for international payments: its FX positions, and every account in a currency customers do not hold. */
  function addedForInternationalPayments(account: Account): boolean {
    return account.holder.kind === 'bank' && (account.holder.purpose === 'fx-position' || !['GBP', 'EUR'].includes(account.currency));
  }

  it('every customer has an address at customers.openteller.example (added after the digests above were taken)', () => {
    const seed = buildSandboxSeed(ANCHORS[0] ?? new Date());
    assert.deepEqual(
      seed.customers.map((customer) => customer.email),
      seed.customers.map((customer) => `${customer.username}@customers.openteller.example`),
    );
  });

  it('an invalid anchor → InvalidField', () => {
    assert.throws(() => buildSandboxSeed(new Date('not a date')), InvalidField);
  });

  for (const anchor of ANCHORS) {
    describe(`anchor ${anchor.toISOString()}`, () => {
      const seed = seedFor(anchor);
      const windowStart = anchor.getTime() - 90 * DAY_MS;
      const accountsById = new Map(seed.accounts.map((account) => [account.id, account]));

      it('between 800 and 2500 transfers, ids trf_seed_000001… in order', () => {
        assert.ok(seed.transfers.length >= 800 && seed.transfers.length <= 2500, `${seed.transfers.length} transfers`);
        seed.transfers.forEach((transfer, index) => assert.equal(transfer.id, `trf_seed_${String(index + 1).padStart(6, '0')}`));
      });

      it('every transfer is balanced and in one currency, the currency of all its accounts', () => {
        for (const transfer of seed.transfers) {
          assert.doesNotThrow(() => assertBalancedTransfer(transfer), transfer.id);
          for (const entry of transfer.entries) assert.equal(accountsById.get(entry.accountId)?.currency, transfer.currency, transfer.id);
        }
      });

      it('every bookedAt and valueAt is in [anchor − 90 days, anchor), sorted by bookedAt', () => {
        let previous = windowStart;
        for (const transfer of seed.transfers) {
          for (const date of [transfer.bookedAt, transfer.valueAt]) {
            assert.ok(date.getTime() >= windowStart && date.getTime() < anchor.getTime(), `${transfer.id} at ${date.toISOString()}`);
          }
          assert.ok(transfer.bookedAt.getTime() >= previous, `${transfer.id} out of order`);
          previous = transfer.bookedAt.getTime();
        }
      });

      it('running booked balance (PDNG excluded) of every customer account never goes below −overdraft', () => {
        const balances = new Map<string, bigint>();
        for (const transfer of seed.transfers.filter((item) => item.status === 'BOOK')) {
          for (const entry of transfer.entries) {
            const account = accountsById.get(entry.accountId);
            assert.ok(account);
            const balance = (balances.get(entry.accountId) ?? 0n) + entry.amountMinor;
            balances.set(entry.accountId, balance);
            if (account.holder.kind === 'customer') {
              assert.ok(balance >= -account.overdraftLimitMinor, `${account.id} at ${balance} after ${transfer.id}`);
            }
          }
        }
      });

      it('each account opens with one opening transfer at the window start, before anything else', () => {
        const openings = seed.transfers.filter((transfer) => transfer.kind === 'opening');
        assert.equal(openings.length, customerAccounts(seed).length);
        assert.deepEqual(seed.transfers.slice(0, openings.length), openings);
        for (const opening of openings) assert.equal(opening.bookedAt.getTime(), windowStart);
      });

      it('PDNG transfers exist, are card authorisations, and only in the last 2 days', () => {
        const pending = seed.transfers.filter((transfer) => transfer.status === 'PDNG');
        assert.ok(pending.length >= 2, `${pending.length} pending`);
        for (const transfer of pending) {
          assert.equal(transfer.kind, 'card');
          assert.ok(transfer.bookedAt.getTime() >= anchor.getTime() - 2 * DAY_MS, `${transfer.id} pending too early`);
        }
      });

      it('transfers between two seeded customers exist, each side naming the other with their sort-code identification', () => {
        const between = seed.transfers.filter((transfer) => isCustomerToCustomer(seed, transfer, false));
        assert.ok(between.length >= 5, `${between.length} transfers between customers`);
        for (const transfer of between) {
          const [debit, credit] = transfer.entries;
          assert.ok(debit && credit && debit.amountMinor < 0n && credit.amountMinor > 0n);
          assert.equal(debit.counterparty?.identification, accountsById.get(credit.accountId)?.identifications[0]?.identification);
          assert.equal(credit.counterparty?.identification, accountsById.get(debit.accountId)?.identifications[0]?.identification);
          assert.equal(debit.counterparty?.schemeName, 'UK.OBIE.SortCodeAccountNumber');
        }
      });

      it('transfers between a customer’s own accounts (savings) exist', () => {
        assert.ok(seed.transfers.some((transfer) => isCustomerToCustomer(seed, transfer, true)));
      });

      it('salary, rent, direct debits and card spend from the outside world each appear, card spend most often', () => {
        const count = (kind: string): number => seed.transfers.filter((transfer) => transfer.kind === kind).length;
        assert.ok(count('salary') >= 6, 'salary');
        assert.ok(count('rent') >= 8, 'rent');
        assert.ok(count('direct-debit') >= 40, 'direct debits');
        assert.ok(count('card') >= 400, 'card spend');
      });

      it('card spend is booked during the day and salary early in the morning (UTC)', () => {
        for (const transfer of seed.transfers) {
          const hour = transfer.bookedAt.getUTCHours();
          if (transfer.kind === 'card') assert.ok(hour >= 7 && hour < 23, `${transfer.id} card at ${hour}h`);
          if (transfer.kind === 'salary') assert.ok(hour >= 5 && hour < 9, `${transfer.id} salary at ${hour}h`);
        }
      });

      it('every entry has statement information and a counterparty; merchants have no identification', () => {
        for (const transfer of seed.transfers) {
          for (const entry of transfer.entries) {
            assert.ok(entry.information.trim().length > 0, transfer.id);
            assert.ok(entry.counterparty && entry.counterparty.name.length > 0, transfer.id);
          }
          const customerLeg = transfer.entries.find((entry) => holderOf(seed, entry.accountId) !== null);
          if (transfer.kind === 'card') assert.equal(customerLeg?.counterparty?.identification, null, transfer.id);
        }
      });
    });
  }

  describe('accounts and customers', () => {
    const seed = seedFor(ANCHORS[0] ?? new Date());

    it('at least 4 customers, each with 2–3 GBP accounts, one with a Business account', () => {
      assert.ok(seed.customers.length >= 4);
      for (const customer of seed.customers) {
        const gbp = customerAccounts(seed).filter(
          (account) => account.holder.kind === 'customer' && account.holder.customerId === customer.id && account.currency === 'GBP',
        );
        assert.ok(gbp.length >= 2 && gbp.length <= 3, `${customer.username} has ${gbp.length} GBP accounts`);
      }
      assert.equal(customerAccounts(seed).filter((account) => account.accountType === 'Business').length, 1);
      assert.ok(customerAccounts(seed).some((account) => account.accountSubType === 'SVGS'));
      assert.ok(customerAccounts(seed).some((account) => account.accountSubType === 'CACC' && account.overdraftLimitMinor > 0n));
    });

    it('exactly one customer EUR account, identified by a GB IBAN with valid mod-97 check digits', () => {
      const eur = customerAccounts(seed).filter((account) => account.currency === 'EUR');
      assert.equal(eur.length, 1);
      const identification = eur[0]?.identifications[0];
      assert.equal(identification?.schemeName, 'UK.OBIE.IBAN');
      assert.match(identification?.identification ?? '', new RegExp(`^GB\\d{2}[A-Z]{4}${SANDBOX_SORT_CODE}\\d{8}$`));
      assert.ok(ibanIsValid(identification?.identification ?? ''));
    });

    it('every IBAN in the seed (accounts and counterparties) has valid check digits', () => {
      const ibans = [
        ...seed.accounts.flatMap((account) => account.identifications),
        ...seed.transfers.flatMap((transfer) => transfer.entries.map((entry) => entry.counterparty)),
      ].filter((item) => item?.schemeName === 'UK.OBIE.IBAN');
      assert.ok(ibans.length > 0);
      for (const item of ibans) assert.ok(ibanIsValid(item?.identification ?? ''), item?.identification ?? '');
    });

    it('every GBP account is identified by 14 digits: the sandbox sort code + an 8-digit account number, named after its holder', () => {
      assert.match(SANDBOX_SORT_CODE, /^\d{6}$/);
      for (const account of seed.accounts.filter((item) => item.currency === 'GBP')) {
        const [identification] = account.identifications;
        assert.equal(identification?.schemeName, 'UK.OBIE.SortCodeAccountNumber', account.id);
        assert.match(identification?.identification ?? '', new RegExp(`^${SANDBOX_SORT_CODE}\\d{8}$`));
        if (account.holder.kind === 'customer') {
          const { customerId } = account.holder;
          assert.equal(identification?.name, seed.customers.find((customer) => customer.id === customerId)?.displayName);
        }
      }
      const numbers = seed.accounts.flatMap((account) => account.identifications.map((item) => item.identification));
      assert.equal(new Set(numbers).size, numbers.length, 'identifications are unique');
    });

    it('the bank holds external-funding, clearing and fee-income accounts in GBP and EUR', () => {
      for (const currency of ['GBP', 'EUR']) {
        for (const purpose of ['external-funding', 'clearing', 'fee-income']) {
          const found = seed.accounts.filter(
            (account) => account.currency === currency && account.holder.kind === 'bank' && account.holder.purpose === purpose,
          );
          assert.equal(found.length, 1, `${currency} ${purpose}`);
        }
      }
    });

    it('the bank holds an FX position, a clearing and an external-funding account, empty, in every currency it exchanges (added after the digests above were taken)', () => {
      for (const currency of EXCHANGED_CURRENCIES) {
        for (const purpose of ['fx-position', 'clearing', 'external-funding']) {
          const found = seed.accounts.filter(
            (account) => account.currency === currency && account.holder.kind === 'bank' && account.holder.purpose === purpose,
          );
          assert.equal(found.length, 1, `${currency} ${purpose}`);
          if (purpose === 'fx-position' || !['GBP', 'EUR'].includes(currency)) {
            assert.ok(
              !seed.transfers.some((transfer) => transfer.entries.some((entry) => entry.accountId === found[0]?.id)),
              `${currency} ${purpose} is empty`,
            );
          }
        }
      }
    });

    it('ids are readable, unique, and AccountIds at most 40 characters', () => {
      const accountIds = seed.accounts.map((account) => account.id);
      assert.equal(new Set(accountIds).size, accountIds.length);
      for (const id of accountIds) assert.match(id, /^acc_[a-z0-9_]{1,36}$/);
      for (const customer of seed.customers) assert.match(customer.id, /^cus_sandbox_[a-z]+$/);
      assert.ok(accountIds.includes('acc_alice_current'));
    });

    it('describeSandboxCustomers → usernames, passwords and only customer accounts, in seed order', () => {
      const described = describeSandboxCustomers(seed);
      assert.deepEqual(
        described.map((customer) => customer.username),
        seed.customers.map((customer) => customer.username),
      );
      assert.deepEqual(described[0], {
        username: 'alice',
        password: 'alice-sandbox-1',
        accounts: [
          { AccountId: 'acc_alice_current', Currency: 'GBP', Nickname: 'Current' },
          { AccountId: 'acc_alice_savings', Currency: 'GBP', Nickname: 'Rainy day' },
          { AccountId: 'acc_alice_eur', Currency: 'EUR', Nickname: 'Euro wallet' },
        ],
      });
      const listed = described.flatMap((customer) => customer.accounts.map((account) => account.AccountId));
      assert.deepEqual(
        listed,
        customerAccounts(seed).map((account) => account.id),
      );
      for (const customer of described) assert.ok(customer.password.length >= 10 && customer.password !== customer.username);
    });
  });
});
