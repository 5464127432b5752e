// Proves that a customer call reads its consent and its data in one read and decides on them in the order the checks have
// always run: the consent backing the token (revoked, expired, another client's or grant's → refused for the consent),
// then the app (not active → refused for the app), then the permission, then the account asked for — and that a usable
// consent costs no read of its own.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InMemoryAccountStore } from '../../../test/support/in-memory-account-store.js';
import { InMemoryConsentStore } from '../../../test/support/in-memory-consent-store.js';
import { isDomainError } from '../../../test/support/domain-errors.js';
import type { AccountAccessConsent, ConsentStore, ConsentWithAccounts } from '../consents/account-access-consent.js';
import { grantReference } from '../consents/account-access-consents.js';
import { ConsentStatus } from '../consents/consent-status.js';
import type { AccountPermission } from '../consents/permissions.js';
import { PermissionMissing, ResourceForbidden } from '../errors.js';
import type { AppStanding } from '../partners/partner-app.js';
import type { Account } from './account.js';
import { readConsentedBalances, type BalanceSnapshot } from './balances.js';
import { readConsentedAccounts } from './consented-accounts.js';
import type { ConsentedAccountReader, ReadUnderConsent } from './read-under-consent.js';

const NOW = new Date('2030-06-15T12:00:00Z');
const SHARED = ['acc_alice_current', 'acc_alice_eur'];
const TOKEN = { consentId: 'aac_1', clientId: 'cli_app', grantReference: grantReference('grant_1') };
const ACTIVE: AppStanding = { status: 'active', version: 1 };

function consent(change: Partial<AccountAccessConsent> = {}): AccountAccessConsent {
  return {
    id: 'aac_1',
    clientId: 'cli_app',
    status: ConsentStatus.Authorised,
    statusReason: null,
    permissions: ['ReadAccountsDetail', 'ReadBalances'],
    expiresAt: null,
    transactionFromAt: null,
    transactionToAt: null,
    customerId: 'cus_sandbox_alice',
    grantId: 'grant_1',
    authorisedAt: NOW,
    createdAt: NOW,
    statusUpdatedAt: NOW,
    request: { ExpirationDateTime: null, TransactionFromDateTime: null, TransactionToDateTime: null },
    ...change,
  };
}

function snapshot(accountId: string): BalanceSnapshot {
  return { accountId, currency: 'GBP', bookedMinor: 10_000n, bookedSinceCutoffMinor: 2_500n, pendingDebitsMinor: -300n, overdraftLimitMinor: 0n };
}

/** A reader that returns `found` with the data of the shared accounts asked for, and counts its reads. */
class FakeReader implements ConsentedAccountReader {
  reads = 0;
  private readonly accounts = new InMemoryAccountStore();

  constructor(private readonly found: ConsentWithAccounts | null) {}

  async readBalances(consentId: string, accountId: string | null): Promise<ReadUnderConsent<BalanceSnapshot[]>> {
    return this.read(consentId, accountId, async (ids) => ids.map(snapshot));
  }

  async readAccounts(consentId: string, accountId: string | null): Promise<ReadUnderConsent<Account[]>> {
    return this.read(consentId, accountId, (ids) => this.accounts.listByIds(ids));
  }

  private async read<Data>(consentId: string, accountId: string | null, data: (ids: string[]) => Promise<Data>): Promise<ReadUnderConsent<Data>> {
    this.reads += 1;
    const found = this.found?.consent.id === consentId ? this.found : null;
    const shared = (found?.accountIds ?? []).filter((id) => accountId === null || id === accountId);
    return { found, data: await data(shared) };
  }
}

/** A consent store that must not be touched: a usable consent is decided on what the reader read with the data. */
const UNTOUCHED = new Proxy({} as ConsentStore, {
  get: (_, method) => () => Promise.reject(new Error(`the consent store was called (${String(method)})`)),
});

function found(change: Partial<AccountAccessConsent> = {}, app: AppStanding | null = ACTIVE): ConsentWithAccounts {
  return { consent: consent(change), accountIds: [...SHARED], app };
}

describe('readConsentedBalances', () => {
  test('a usable consent of an active app with ReadBalances → ITAV and CLBD of the account, in one read, the consent store untouched', async () => {
    const reader = new FakeReader(found());
    const outcome = await readConsentedBalances(reader, UNTOUCHED, TOKEN, 'acc_alice_current', NOW);
    assert.equal(outcome.refused, null);
    assert.deepEqual(outcome.refused === null && outcome.result.map(({ accountId, type, amountMinor }) => [accountId, type, amountMinor]), [
      ['acc_alice_current', 'ITAV', 9_700n],
      ['acc_alice_current', 'CLBD', 7_500n],
    ]);
    assert.equal(reader.reads, 1);
  });

  test('every shared account (null) → their balances in the order the consent lists them', async () => {
    const outcome = await readConsentedBalances(new FakeReader(found()), UNTOUCHED, TOKEN, null, NOW);
    assert.deepEqual(outcome.refused === null && outcome.result.map((balance) => balance.accountId), [
      'acc_alice_current',
      'acc_alice_current',
      'acc_alice_eur',
      'acc_alice_eur',
    ]);
  });

  test('a revoked, rejected or unknown consent, another client’s, or one re-authorised since → refused for the consent, whatever else is wrong', async () => {
    const cases: Array<[string, ConsentWithAccounts | null]> = [
      ['revoked', found({ status: ConsentStatus.Revoked, permissions: ['ReadAccountsBasic'] }, { status: 'suspended', version: 2 })],
      ['rejected', found({ status: ConsentStatus.Rejected })],
      ['unknown', null],
      ['another client', found({ clientId: 'cli_other' })],
      ['re-authorised', found({ grantId: 'grant_2' })],
    ];
    for (const [name, facts] of cases) {
      const outcome = await readConsentedBalances(new FakeReader(facts), UNTOUCHED, TOKEN, 'acc_alice_savings', NOW);
      assert.deepEqual(outcome, { refused: 'consent' }, name);
    }
  });

  test('a token naming no consent → refused for the consent, nothing read', async () => {
    const reader = new FakeReader(found());
    assert.deepEqual(await readConsentedBalances(reader, UNTOUCHED, { clientId: 'cli_app' }, 'acc_alice_current', NOW), { refused: 'consent' });
    assert.equal(reader.reads, 0);
  });

  test('an AUTH consent whose expiry has passed → refused for the consent, and it is now EXPD', async () => {
    const store = new InMemoryConsentStore();
    const expired = consent({ expiresAt: new Date(NOW.getTime() - 1000) });
    await store.insert(expired);
    const outcome = await readConsentedBalances(new FakeReader(found({ expiresAt: expired.expiresAt })), store, TOKEN, 'acc_alice_current', NOW);
    assert.deepEqual(outcome, { refused: 'consent' });
    assert.equal((await store.findById('aac_1'))?.status, ConsentStatus.Expired);
  });

  test('a usable consent of an app suspended, disabled, deregistered or gone → refused for the app, before the permission and the account', async () => {
    for (const app of [
      { status: 'suspended', version: 2 },
      { status: 'disabled', version: 2 },
      { status: 'deregistered', version: 3 },
      null,
    ] as const) {
      const facts = found({ permissions: ['ReadAccountsBasic'] }, app);
      assert.deepEqual(await readConsentedBalances(new FakeReader(facts), UNTOUCHED, TOKEN, 'acc_alice_savings', NOW), { refused: 'app' });
    }
  });

  test('without ReadBalances → PermissionMissing, before the account is looked at', async () => {
    const facts = found({ permissions: ['ReadAccountsBasic'] as AccountPermission[] });
    await assert.rejects(readConsentedBalances(new FakeReader(facts), UNTOUCHED, TOKEN, 'acc_alice_savings', NOW), isDomainError(PermissionMissing));
  });

  test('an account the consent does not share → ResourceForbidden', async () => {
    await assert.rejects(
      readConsentedBalances(new FakeReader(found()), UNTOUCHED, TOKEN, 'acc_alice_savings', NOW),
      isDomainError(ResourceForbidden),
    );
  });
});

describe('readConsentedAccounts', () => {
  test('every shared account (null) → in the order the consent lists them, in one read', async () => {
    const reader = new FakeReader(found());
    const outcome = await readConsentedAccounts(reader, UNTOUCHED, TOKEN, null, NOW);
    assert.deepEqual(outcome.refused === null && outcome.result.map((account) => account.id), SHARED);
    assert.equal(reader.reads, 1);
  });

  test('one shared account → that account; one not shared → ResourceForbidden; a suspended app → refused for the app first', async () => {
    const outcome = await readConsentedAccounts(new FakeReader(found()), UNTOUCHED, TOKEN, 'acc_alice_eur', NOW);
    assert.deepEqual(outcome.refused === null && outcome.result.map((account) => account.id), ['acc_alice_eur']);
    await assert.rejects(readConsentedAccounts(new FakeReader(found()), UNTOUCHED, TOKEN, 'acc_bob_current', NOW), isDomainError(ResourceForbidden));
    const suspended = found({}, { status: 'suspended', version: 2 });
    assert.deepEqual(await readConsentedAccounts(new FakeReader(suspended), UNTOUCHED, TOKEN, 'acc_bob_current', NOW), { refused: 'app' });
  });
});
