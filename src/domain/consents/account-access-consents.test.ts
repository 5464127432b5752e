// Proves the account-access consent rules of the domain — permission sets, dates, ownership, expiry, the AWAU → AUTH/RJCT/CANC lifecycle with compare-and-set, and which consents may back a token — against an in-memory store.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InMemoryConsentStore } from '../../../test/support/in-memory-consent-store.js';
import { InvalidConsentStatus, InvalidDate, InvalidField, ResourceForbidden, ResourceNotFound } from '../errors.js';
import type { AccountAccessConsent, AccountAccessConsentRequest, GrantRevoker } from './account-access-consent.js';
import {
  assertConsentAuthorisable,
  authoriseAccountAccessConsent,
  createAccountAccessConsent,
  deleteAccountAccessConsent,
  findConsentBackingGrant,
  grantReference,
  getAccountAccessConsent,
  rejectAccountAccessConsent,
  revokeConsentByCustomer,
  usableConsentOf,
} from './account-access-consents.js';
import { ConsentStatus } from './consent-status.js';
import { ACCOUNT_PERMISSIONS, validateAccountPermissions } from './permissions.js';
import { isDomainError as isError } from '../../../test/support/domain-errors.js';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const LATER = new Date('2030-06-01T14:00:00.000Z');
const IN_AN_HOUR = '2030-06-01T13:00:00Z';
const CLIENT = 'cli_budget_buddy';
const OTHER_CLIENT = 'cli_other_app';
const ELIGIBLE = ['acc_alice_current', 'acc_alice_eur', 'acc_alice_savings'];

function consentRequest(overrides: Partial<AccountAccessConsentRequest> = {}): AccountAccessConsentRequest {
  return {
    permissions: ['ReadAccountsDetail', 'ReadBalances'],
    expirationDateTime: null,
    transactionFromDateTime: null,
    transactionToDateTime: null,
    ...overrides,
  };
}

/** A GrantRevoker that remembers which grants it ended. */
class FakeGrantRevoker implements GrantRevoker {
  readonly revoked: string[] = [];
  async revokeGrant(grantId: string): Promise<void> {
    this.revoked.push(grantId);
  }
}

/** A new AWAU consent of CLIENT, created through the domain. */
async function newConsent(store: InMemoryConsentStore, overrides: Partial<AccountAccessConsentRequest> = {}): Promise<AccountAccessConsent> {
  return createAccountAccessConsent(store, CLIENT, consentRequest(overrides), NOW);
}

/** A consent of CLIENT put straight into the store in any status (for states the domain reaches over time). */
async function consentIn(
  store: InMemoryConsentStore,
  status: ConsentStatus,
  extra: Partial<AccountAccessConsent> = {},
  accountIds: readonly string[] = [],
): Promise<AccountAccessConsent> {
  const created = await newConsent(store);
  const authorised = status === ConsentStatus.Authorised || status === ConsentStatus.Revoked;
  const consent: AccountAccessConsent = {
    ...created,
    status,
    ...(authorised ? { customerId: 'cus_sandbox_alice', grantId: `grant_${created.id}`, authorisedAt: NOW } : {}),
    ...extra,
  };
  store.put(consent, accountIds);
  return consent;
}

async function statusOf(store: InMemoryConsentStore, consentId: string): Promise<ConsentStatus | undefined> {
  return (await store.findById(consentId))?.status;
}

describe('validateAccountPermissions', () => {
  test('an empty permission list → InvalidField on Data.Permissions', () => {
    assert.throws(() => validateAccountPermissions([]), isError(InvalidField, 'Data.Permissions'));
  });

  test('an unknown code (or a known one in the wrong case) → InvalidField naming the code', () => {
    assert.throws(
      () => validateAccountPermissions(['ReadAccountsBasic', 'ReadEverything']),
      (error: unknown) => {
        isError(InvalidField, 'Data.Permissions')(error);
        assert.match((error as Error).message, /ReadEverything/);
        return true;
      },
    );
    assert.throws(() => validateAccountPermissions(['readaccountsbasic']), isError(InvalidField, 'Data.Permissions'));
  });

  test('no ReadAccountsBasic or ReadAccountsDetail → InvalidField', () => {
    assert.throws(() => validateAccountPermissions(['ReadBalances', 'ReadParty']), isError(InvalidField, 'Data.Permissions'));
  });

  test('ReadTransactionsBasic or ReadTransactionsDetail without Credits or Debits → InvalidField', () => {
    for (const level of ['ReadTransactionsBasic', 'ReadTransactionsDetail']) {
      assert.throws(() => validateAccountPermissions(['ReadAccountsBasic', level]), isError(InvalidField, 'Data.Permissions'), level);
    }
  });

  test('ReadTransactionsCredits or ReadTransactionsDebits without Basic or Detail → InvalidField', () => {
    for (const direction of ['ReadTransactionsCredits', 'ReadTransactionsDebits']) {
      assert.throws(() => validateAccountPermissions(['ReadAccountsBasic', direction]), isError(InvalidField, 'Data.Permissions'), direction);
    }
  });

  test('ReadTransactionsBasic and ReadTransactionsDetail together, with a direction → accepted', () => {
    assert.deepEqual(
      validateAccountPermissions(['ReadAccountsBasic', 'ReadTransactionsBasic', 'ReadTransactionsDetail', 'ReadTransactionsCredits']),
      ['ReadAccountsBasic', 'ReadTransactionsBasic', 'ReadTransactionsCredits', 'ReadTransactionsDetail'],
    );
  });

  test('codes in any order with duplicates → de-duplicated, in canonical order', () => {
    assert.deepEqual(
      validateAccountPermissions([
        'ReadTransactionsDebits',
        'ReadBalances',
        'ReadAccountsDetail',
        'ReadBalances',
        'ReadTransactionsBasic',
        'ReadAccountsDetail',
      ]),
      ['ReadAccountsDetail', 'ReadBalances', 'ReadTransactionsBasic', 'ReadTransactionsDebits'],
    );
  });

  test('all 21 codes, reversed → all 21 accepted in canonical order', () => {
    assert.equal(ACCOUNT_PERMISSIONS.length, 21);
    assert.deepEqual(validateAccountPermissions([...ACCOUNT_PERMISSIONS].reverse()), [...ACCOUNT_PERMISSIONS]);
  });
});

describe('createAccountAccessConsent', () => {
  test('a valid request → stored AWAU consent of the client, nothing authorised yet, request echoed verbatim', async () => {
    const store = new InMemoryConsentStore();
    const consent = await createAccountAccessConsent(
      store,
      CLIENT,
      consentRequest({
        permissions: ['ReadBalances', 'ReadAccountsBasic', 'ReadBalances'],
        expirationDateTime: '2099-01-01T00:00:00+00:00',
        transactionFromDateTime: '2030-01-01T00:00:00Z',
        transactionToDateTime: '2030-12-31T23:59:59.999Z',
      }),
      NOW,
    );
    assert.match(consent.id, /^aac_[A-Za-z0-9_-]{22}$/);
    assert.equal(consent.clientId, CLIENT);
    assert.equal(consent.status, ConsentStatus.AwaitingAuthorisation);
    assert.equal(consent.statusReason, null);
    assert.deepEqual(consent.permissions, ['ReadAccountsBasic', 'ReadBalances']);
    assert.deepEqual(consent.expiresAt, new Date('2099-01-01T00:00:00Z'));
    assert.deepEqual(consent.transactionFromAt, new Date('2030-01-01T00:00:00Z'));
    assert.deepEqual(consent.transactionToAt, new Date('2030-12-31T23:59:59.999Z'));
    assert.equal(consent.customerId, null);
    assert.equal(consent.grantId, null);
    assert.equal(consent.authorisedAt, null);
    assert.deepEqual(consent.createdAt, NOW);
    assert.deepEqual(consent.statusUpdatedAt, NOW);
    assert.deepEqual(consent.request, {
      ExpirationDateTime: '2099-01-01T00:00:00+00:00',
      TransactionFromDateTime: '2030-01-01T00:00:00Z',
      TransactionToDateTime: '2030-12-31T23:59:59.999Z',
    });
    assert.deepEqual(await store.findById(consent.id), consent);
  });

  test('no dates → a consent without expiry or transaction window', async () => {
    const consent = await newConsent(new InMemoryConsentStore());
    assert.equal(consent.expiresAt, null);
    assert.equal(consent.transactionFromAt, null);
    assert.equal(consent.transactionToAt, null);
    assert.deepEqual(consent.request, { ExpirationDateTime: null, TransactionFromDateTime: null, TransactionToDateTime: null });
  });

  test('two consents → different ids', async () => {
    const store = new InMemoryConsentStore();
    assert.notEqual((await newConsent(store)).id, (await newConsent(store)).id);
  });

  test('an invalid permission set → InvalidField on Data.Permissions, nothing stored', async () => {
    const store = new InMemoryConsentStore();
    await assert.rejects(newConsent(store, { permissions: ['ReadBalances'] }), isError(InvalidField, 'Data.Permissions'));
    assert.equal(store.size, 0);
  });

  test('an expiry in the past (or exactly now) → InvalidDate on Data.ExpirationDateTime', async () => {
    const store = new InMemoryConsentStore();
    await assert.rejects(newConsent(store, { expirationDateTime: '2030-06-01T11:59:59Z' }), isError(InvalidDate, 'Data.ExpirationDateTime'));
    await assert.rejects(newConsent(store, { expirationDateTime: '2030-06-01T12:00:00Z' }), isError(InvalidDate, 'Data.ExpirationDateTime'));
    assert.equal(store.size, 0);
  });

  test('TransactionFromDateTime after TransactionToDateTime → InvalidDate on Data.TransactionToDateTime', async () => {
    await assert.rejects(
      newConsent(new InMemoryConsentStore(), { transactionFromDateTime: '2030-02-01T00:00:00Z', transactionToDateTime: '2030-01-31T23:59:59Z' }),
      isError(InvalidDate, 'Data.TransactionToDateTime'),
    );
  });

  test('TransactionFromDateTime equal to TransactionToDateTime → accepted', async () => {
    const consent = await newConsent(new InMemoryConsentStore(), {
      transactionFromDateTime: '2030-02-01T00:00:00Z',
      transactionToDateTime: '2030-02-01T01:00:00+01:00',
    });
    assert.deepEqual(consent.transactionFromAt, consent.transactionToAt);
  });

  test('a date that is not an ISO 8601 date-time → InvalidDate on that field', async () => {
    const store = new InMemoryConsentStore();
    await assert.rejects(newConsent(store, { expirationDateTime: 'next tuesday' }), isError(InvalidDate, 'Data.ExpirationDateTime'));
    await assert.rejects(newConsent(store, { expirationDateTime: '2099-13-01T00:00:00Z' }), isError(InvalidDate, 'Data.ExpirationDateTime'));
    await assert.rejects(newConsent(store, { transactionFromDateTime: '2030-01-01' }), isError(InvalidDate, 'Data.TransactionFromDateTime'));
    await assert.rejects(newConsent(store, { transactionToDateTime: '' }), isError(InvalidDate, 'Data.TransactionToDateTime'));
    assert.equal(store.size, 0);
  });

  test('a calendar date that does not exist (30 February) → InvalidDate, not rolled over to March', async () => {
    await assert.rejects(
      newConsent(new InMemoryConsentStore(), { expirationDateTime: '2099-02-30T10:00:00Z' }),
      isError(InvalidDate, 'Data.ExpirationDateTime'),
    );
  });

  test('a date-time without zone → read as UTC, echoed back exactly as sent', async () => {
    const consent = await newConsent(new InMemoryConsentStore(), { expirationDateTime: '2099-05-01T10:00:00' });
    assert.equal(consent.expiresAt?.toISOString(), '2099-05-01T10:00:00.000Z');
    assert.equal(consent.request.ExpirationDateTime, '2099-05-01T10:00:00');
  });

  test('a date-time with an offset → the offset honoured', async () => {
    const consent = await newConsent(new InMemoryConsentStore(), { expirationDateTime: '2099-05-01T10:00:00+02:00' });
    assert.equal(consent.expiresAt?.toISOString(), '2099-05-01T08:00:00.000Z');
  });
});

describe('getAccountAccessConsent', () => {
  test('an unknown id → ResourceNotFound', async () => {
    await assert.rejects(getAccountAccessConsent(new InMemoryConsentStore(), CLIENT, 'aac_unknown', NOW), isError(ResourceNotFound));
  });

  test("another partner's consent → ResourceForbidden", async () => {
    const store = new InMemoryConsentStore();
    const consent = await newConsent(store);
    await assert.rejects(getAccountAccessConsent(store, OTHER_CLIENT, consent.id, NOW), isError(ResourceForbidden));
  });

  test('its own live consent → returned as stored', async () => {
    const store = new InMemoryConsentStore();
    const consent = await newConsent(store, { expirationDateTime: IN_AN_HOUR });
    assert.deepEqual(await getAccountAccessConsent(store, CLIENT, consent.id, NOW), consent);
  });

  test('an AWAU or AUTH consent whose expiry has passed → EXPD with reason TKXP, stored', async () => {
    for (const status of [ConsentStatus.AwaitingAuthorisation, ConsentStatus.Authorised]) {
      const store = new InMemoryConsentStore();
      const consent = await consentIn(store, status, { expiresAt: new Date(IN_AN_HOUR) });
      const read = await getAccountAccessConsent(store, CLIENT, consent.id, LATER);
      assert.equal(read.status, ConsentStatus.Expired, status);
      assert.equal(read.statusReason?.code, 'TKXP');
      assert.ok(read.statusReason?.description);
      assert.deepEqual(read.statusUpdatedAt, LATER);
      assert.equal(await statusOf(store, consent.id), ConsentStatus.Expired);
    }
  });

  test("an AUTH consent whose expiry has passed → one notice to its customer: the app's access ended as agreed; an AWAU one → none", async () => {
    const store = new InMemoryConsentStore();
    const used = await consentIn(store, ConsentStatus.Authorised, { expiresAt: new Date(IN_AN_HOUR) });
    await getAccountAccessConsent(store, CLIENT, used.id, LATER);
    assert.deepEqual(
      store.notices.map((notice) => notice.customerId),
      ['cus_sandbox_alice'],
    );
    const mail = store.notices[0]?.compose({ customerName: 'Alice Thompson', appName: 'Budget Buddy' });
    assert.equal(mail?.subject, "Budget Buddy's access to your accounts has ended");
    assert.match(
      mail?.text ?? '',
      /^Dear Alice Thompson,\n\nThe access to your accounts you gave Budget Buddy on 1 June 2030 ended on 1 June 2030, as agreed/,
    );
    const unused = await consentIn(store, ConsentStatus.AwaitingAuthorisation, { expiresAt: new Date(IN_AN_HOUR) });
    await getAccountAccessConsent(store, CLIENT, unused.id, LATER);
    assert.equal(store.notices.length, 1);
  });

  test('an ended consent whose expiry has passed → keeps its status', async () => {
    for (const status of [ConsentStatus.Rejected, ConsentStatus.Revoked]) {
      const store = new InMemoryConsentStore();
      const consent = await consentIn(store, status, { expiresAt: new Date(IN_AN_HOUR) });
      assert.equal((await getAccountAccessConsent(store, CLIENT, consent.id, LATER)).status, status);
      assert.equal(store.writes.length, 0);
    }
  });
});

describe('deleteAccountAccessConsent', () => {
  test('an AWAU consent → CANC, no grant to revoke', async () => {
    const store = new InMemoryConsentStore();
    const grants = new FakeGrantRevoker();
    const consent = await newConsent(store);
    await deleteAccountAccessConsent(store, grants, CLIENT, consent.id, LATER);
    const stored = await store.findById(consent.id);
    assert.equal(stored?.status, ConsentStatus.Revoked);
    assert.deepEqual(stored?.statusUpdatedAt, LATER);
    assert.deepEqual(grants.revoked, []);
  });

  test('an AUTH consent → CANC and its grant revoked', async () => {
    const store = new InMemoryConsentStore();
    const grants = new FakeGrantRevoker();
    const consent = await consentIn(store, ConsentStatus.Authorised, { grantId: 'grant_1' }, ['acc_alice_current']);
    await deleteAccountAccessConsent(store, grants, CLIENT, consent.id, LATER);
    assert.equal(await statusOf(store, consent.id), ConsentStatus.Revoked);
    assert.deepEqual(grants.revoked, ['grant_1']);
  });

  test('an RJCT, EXPD or CANC consent → status left as it is', async () => {
    for (const status of [ConsentStatus.Rejected, ConsentStatus.Expired, ConsentStatus.Revoked]) {
      const store = new InMemoryConsentStore();
      const consent = await consentIn(store, status, { statusReason: { code: 'X', description: 'before' } });
      await deleteAccountAccessConsent(store, new FakeGrantRevoker(), CLIENT, consent.id, LATER);
      const stored = await store.findById(consent.id);
      assert.equal(stored?.status, status);
      assert.deepEqual(stored?.statusReason, { code: 'X', description: 'before' });
      assert.deepEqual(stored?.statusUpdatedAt, NOW);
      assert.equal(store.writes.length, 0, status);
    }
  });

  test('an RJCT consent (never granted) → no grant revoked', async () => {
    const store = new InMemoryConsentStore();
    const grants = new FakeGrantRevoker();
    const consent = await consentIn(store, ConsentStatus.Rejected);
    await deleteAccountAccessConsent(store, grants, CLIENT, consent.id, LATER);
    assert.deepEqual(grants.revoked, []);
  });

  test('an AUTH consent whose expiry has passed → EXPD (not CANC), and its grant still revoked', async () => {
    const store = new InMemoryConsentStore();
    const grants = new FakeGrantRevoker();
    const consent = await consentIn(store, ConsentStatus.Authorised, { grantId: 'grant_2', expiresAt: new Date(IN_AN_HOUR) });
    await deleteAccountAccessConsent(store, grants, CLIENT, consent.id, LATER);
    assert.equal(await statusOf(store, consent.id), ConsentStatus.Expired);
    assert.deepEqual(grants.revoked, ['grant_2']);
  });

  test("an unknown id → ResourceNotFound; another partner's consent → ResourceForbidden, nothing changed", async () => {
    const store = new InMemoryConsentStore();
    const grants = new FakeGrantRevoker();
    const consent = await consentIn(store, ConsentStatus.Authorised, { grantId: 'grant_3' });
    await assert.rejects(deleteAccountAccessConsent(store, grants, CLIENT, 'aac_unknown', LATER), isError(ResourceNotFound));
    await assert.rejects(deleteAccountAccessConsent(store, grants, OTHER_CLIENT, consent.id, LATER), isError(ResourceForbidden));
    assert.equal(await statusOf(store, consent.id), ConsentStatus.Authorised);
    assert.deepEqual(grants.revoked, []);
  });
});

describe('assertConsentAuthorisable', () => {
  test('its own AWAU consent → returned', async () => {
    const store = new InMemoryConsentStore();
    const consent = await newConsent(store, { expirationDateTime: IN_AN_HOUR });
    assert.deepEqual(await assertConsentAuthorisable(store, CLIENT, consent.id, NOW), consent);
  });

  test("an unknown id or another partner's consent → ResourceNotFound (existence not revealed)", async () => {
    const store = new InMemoryConsentStore();
    const consent = await newConsent(store);
    await assert.rejects(assertConsentAuthorisable(store, CLIENT, 'aac_unknown', NOW), isError(ResourceNotFound));
    await assert.rejects(assertConsentAuthorisable(store, OTHER_CLIENT, consent.id, NOW), isError(ResourceNotFound));
  });

  test('a revoked (CANC) consent that has not expired → may be re-authorised', async () => {
    const store = new InMemoryConsentStore();
    const consent = await consentIn(store, ConsentStatus.Revoked);
    assert.equal((await assertConsentAuthorisable(store, CLIENT, consent.id, NOW)).status, ConsentStatus.Revoked);
  });

  test('an AUTH, RJCT or EXPD consent → InvalidConsentStatus', async () => {
    for (const status of [ConsentStatus.Authorised, ConsentStatus.Rejected, ConsentStatus.Expired]) {
      const store = new InMemoryConsentStore();
      const consent = await consentIn(store, status);
      await assert.rejects(assertConsentAuthorisable(store, CLIENT, consent.id, NOW), isError(InvalidConsentStatus), status);
    }
  });

  test('an AWAU consent whose expiry has passed → InvalidConsentStatus, and it is now EXPD', async () => {
    const store = new InMemoryConsentStore();
    const consent = await newConsent(store, { expirationDateTime: IN_AN_HOUR });
    await assert.rejects(assertConsentAuthorisable(store, CLIENT, consent.id, LATER), isError(InvalidConsentStatus));
    assert.equal(await statusOf(store, consent.id), ConsentStatus.Expired);
  });
});

describe('authoriseAccountAccessConsent', () => {
  const decision = { customerId: 'cus_sandbox_alice', accountIds: ['acc_alice_eur', 'acc_alice_current'], grantId: 'grant_a' };

  test('no account chosen → InvalidField on accounts, consent still AWAU', async () => {
    const store = new InMemoryConsentStore();
    const consent = await newConsent(store);
    await assert.rejects(
      authoriseAccountAccessConsent(store, consent.id, { ...decision, accountIds: [] }, ELIGIBLE, NOW),
      isError(InvalidField, 'accounts'),
    );
    assert.equal(await statusOf(store, consent.id), ConsentStatus.AwaitingAuthorisation);
  });

  test('an account the customer may not share → InvalidField on accounts, consent still AWAU', async () => {
    const store = new InMemoryConsentStore();
    const consent = await newConsent(store);
    await assert.rejects(
      authoriseAccountAccessConsent(store, consent.id, { ...decision, accountIds: ['acc_alice_current', 'acc_bob_current'] }, ELIGIBLE, NOW),
      isError(InvalidField, 'accounts'),
    );
    assert.equal(await statusOf(store, consent.id), ConsentStatus.AwaitingAuthorisation);
    assert.deepEqual(await store.listAccountIds(consent.id), []);
  });

  test('eligible accounts → AUTH, bound to the customer, grant and accounts (duplicates dropped)', async () => {
    const store = new InMemoryConsentStore();
    const consent = await newConsent(store);
    await authoriseAccountAccessConsent(store, consent.id, { ...decision, accountIds: [...decision.accountIds, 'acc_alice_eur'] }, ELIGIBLE, LATER);
    const stored = await store.findById(consent.id);
    assert.equal(stored?.status, ConsentStatus.Authorised);
    assert.equal(stored?.statusReason, null);
    assert.equal(stored?.customerId, 'cus_sandbox_alice');
    assert.equal(stored?.grantId, 'grant_a');
    assert.deepEqual(stored?.authorisedAt, LATER);
    assert.deepEqual(stored?.statusUpdatedAt, LATER);
    assert.deepEqual(await store.listAccountIds(consent.id), ['acc_alice_current', 'acc_alice_eur']);
  });

  test('a second authorisation → InvalidConsentStatus, the first one kept', async () => {
    const store = new InMemoryConsentStore();
    const consent = await newConsent(store);
    await authoriseAccountAccessConsent(store, consent.id, decision, ELIGIBLE, NOW);
    await assert.rejects(
      authoriseAccountAccessConsent(
        store,
        consent.id,
        { customerId: 'cus_other', accountIds: ['acc_alice_savings'], grantId: 'grant_b' },
        ELIGIBLE,
        LATER,
      ),
      isError(InvalidConsentStatus),
    );
    const stored = await store.findById(consent.id);
    assert.equal(stored?.grantId, 'grant_a');
    assert.equal(stored?.customerId, 'cus_sandbox_alice');
    assert.deepEqual(await store.listAccountIds(consent.id), ['acc_alice_current', 'acc_alice_eur']);
  });

  test('an RJCT consent or an unknown id → InvalidConsentStatus', async () => {
    const store = new InMemoryConsentStore();
    const rejected = await consentIn(store, ConsentStatus.Rejected);
    await assert.rejects(authoriseAccountAccessConsent(store, rejected.id, decision, ELIGIBLE, NOW), isError(InvalidConsentStatus));
    await assert.rejects(authoriseAccountAccessConsent(store, 'aac_unknown', decision, ELIGIBLE, NOW), isError(InvalidConsentStatus));
    assert.equal(await statusOf(store, rejected.id), ConsentStatus.Rejected);
  });

  test('two concurrent authorisations → exactly one wins, the other gets InvalidConsentStatus and writes nothing', async () => {
    const store = new InMemoryConsentStore();
    const consent = await newConsent(store);
    const attempts = [
      { customerId: 'cus_sandbox_alice', accountIds: ['acc_alice_current'], grantId: 'grant_first' },
      { customerId: 'cus_sandbox_alice', accountIds: ['acc_alice_savings'], grantId: 'grant_second' },
    ];
    const results = await Promise.allSettled(attempts.map((attempt) => authoriseAccountAccessConsent(store, consent.id, attempt, ELIGIBLE, NOW)));
    const winners = results.flatMap((result, index) => (result.status === 'fulfilled' ? [attempts[index]] : []));
    const losers = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    assert.equal(winners.length, 1);
    assert.equal(losers.length, 1);
    assert.ok(losers[0]?.reason instanceof InvalidConsentStatus);
    const stored = await store.findById(consent.id);
    assert.equal(stored?.grantId, winners[0]?.grantId);
    assert.deepEqual(await store.listAccountIds(consent.id), winners[0]?.accountIds);
    assert.equal(store.writes.length, 1);
  });

  test('an AWAU consent whose expiry passed while the customer was on the consent page → InvalidConsentStatus, consent EXPD', async () => {
    const store = new InMemoryConsentStore();
    const consent = await newConsent(store, { expirationDateTime: IN_AN_HOUR });
    await assert.rejects(authoriseAccountAccessConsent(store, consent.id, decision, ELIGIBLE, LATER), isError(InvalidConsentStatus));
    assert.equal(await statusOf(store, consent.id), ConsentStatus.Expired);
  });
});

describe('rejectAccountAccessConsent', () => {
  test('an AWAU consent → RJCT with reason U033 (the customer denied access)', async () => {
    const store = new InMemoryConsentStore();
    const consent = await newConsent(store);
    await rejectAccountAccessConsent(store, consent.id, LATER);
    const stored = await store.findById(consent.id);
    assert.equal(stored?.status, ConsentStatus.Rejected);
    assert.deepEqual(stored?.statusReason, { code: 'U033', description: 'The customer denied access' });
    assert.deepEqual(stored?.statusUpdatedAt, LATER);
    assert.equal(stored?.grantId, null);
  });

  test('a consent that is not AWAU (or unknown) → InvalidConsentStatus, status unchanged', async () => {
    for (const status of [ConsentStatus.Authorised, ConsentStatus.Rejected, ConsentStatus.Revoked, ConsentStatus.Expired]) {
      const store = new InMemoryConsentStore();
      const consent = await consentIn(store, status);
      await assert.rejects(rejectAccountAccessConsent(store, consent.id, LATER), isError(InvalidConsentStatus), status);
      assert.equal(await statusOf(store, consent.id), status);
    }
    await assert.rejects(rejectAccountAccessConsent(new InMemoryConsentStore(), 'aac_unknown', LATER), isError(InvalidConsentStatus));
  });
});

describe('usableConsentOf', () => {
  const refOf = (consent: AccountAccessConsent) => grantReference(`grant_${consent.id}`);
  /** The decision on the consent as the store reads it with its accounts and app. */
  const findUsableConsent = async (store: InMemoryConsentStore, consentId: string, clientId: string, reference: string, now: Date) =>
    usableConsentOf(store, await store.findWithAccountIds(consentId), clientId, reference, now);

  test('an AUTH consent of the token client → the consent and the accounts it shares', async () => {
    const store = new InMemoryConsentStore();
    const consent = await newConsent(store, { expirationDateTime: IN_AN_HOUR });
    await authoriseAccountAccessConsent(
      store,
      consent.id,
      { customerId: 'cus_sandbox_alice', accountIds: ['acc_alice_savings', 'acc_alice_current'], grantId: 'g' },
      ELIGIBLE,
      NOW,
    );
    const usable = await findUsableConsent(store, consent.id, CLIENT, grantReference('g'), NOW);
    assert.ok(usable);
    assert.equal(usable.consent.id, consent.id);
    assert.equal(usable.consent.status, ConsentStatus.Authorised);
    assert.deepEqual([...usable.accountIds].sort(), ['acc_alice_current', 'acc_alice_savings']);
  });

  test('a token of another client → null', async () => {
    const store = new InMemoryConsentStore();
    const consent = await consentIn(store, ConsentStatus.Authorised, {}, ['acc_alice_current']);
    assert.equal(await findUsableConsent(store, consent.id, OTHER_CLIENT, refOf(consent), NOW), null);
  });

  test('a token from an earlier grant of the same consent (before re-authorisation) → null', async () => {
    const store = new InMemoryConsentStore();
    const consent = await consentIn(store, ConsentStatus.Authorised, {}, ['acc_alice_current']);
    assert.ok(await findUsableConsent(store, consent.id, CLIENT, refOf(consent), NOW));
    assert.equal(await findUsableConsent(store, consent.id, CLIENT, grantReference('an-earlier-grant'), NOW), null);
  });

  test('a revoked, rejected or not yet authorised consent, or an unknown id → null', async () => {
    const store = new InMemoryConsentStore();
    for (const status of [ConsentStatus.Revoked, ConsentStatus.Rejected, ConsentStatus.AwaitingAuthorisation, ConsentStatus.Expired]) {
      const consent = await consentIn(store, status, {}, ['acc_alice_current']);
      assert.equal(await findUsableConsent(store, consent.id, CLIENT, refOf(consent), NOW), null, status);
    }
    assert.equal(await findUsableConsent(store, 'aac_unknown', CLIENT, grantReference('g'), NOW), null);
  });

  test('an AUTH consent whose expiry has passed → null, and it is now EXPD', async () => {
    const store = new InMemoryConsentStore();
    const consent = await consentIn(store, ConsentStatus.Authorised, { expiresAt: new Date(IN_AN_HOUR) }, ['acc_alice_current']);
    assert.ok(await findUsableConsent(store, consent.id, CLIENT, refOf(consent), NOW));
    assert.equal(await findUsableConsent(store, consent.id, CLIENT, refOf(consent), LATER), null);
    assert.equal(await statusOf(store, consent.id), ConsentStatus.Expired);
  });
});

describe('revokeConsentByCustomer', () => {
  test('the customer who granted an AUTH consent → CANC with reason TKSP, and its grant ends', async () => {
    const store = new InMemoryConsentStore();
    const consent = await consentIn(store, ConsentStatus.Authorised, {}, ['acc_alice_current']);
    const grants = new FakeGrantRevoker();
    await revokeConsentByCustomer(store, grants, 'cus_sandbox_alice', consent.id, NOW);
    const revoked = await store.findById(consent.id);
    assert.equal(revoked?.status, ConsentStatus.Revoked);
    assert.equal(revoked?.statusReason?.code, 'TKSP');
    assert.deepEqual(grants.revoked, [`grant_${consent.id}`]);
    assert.equal(store.notices.length, 1, 'one notice to the customer, written with the change');
    const mail = store.notices[0]?.compose({ customerName: 'Alice Thompson', appName: 'Budget Buddy' });
    assert.equal(mail?.subject, 'Budget Buddy can no longer see your accounts');
    assert.match(mail?.text ?? '', /As you asked on 1 June 2030, Budget Buddy can no longer see your accounts: its access ended at once\./);
  });

  test("another customer's consent, or an unknown id → ResourceNotFound, nothing changed", async () => {
    const store = new InMemoryConsentStore();
    const consent = await consentIn(store, ConsentStatus.Authorised, {}, ['acc_alice_current']);
    const grants = new FakeGrantRevoker();
    await assert.rejects(revokeConsentByCustomer(store, grants, 'cus_sandbox_bob', consent.id, NOW), isError(ResourceNotFound));
    await assert.rejects(revokeConsentByCustomer(store, grants, 'cus_sandbox_alice', 'aac_unknown', NOW), isError(ResourceNotFound));
    assert.equal(await statusOf(store, consent.id), ConsentStatus.Authorised);
    assert.deepEqual(grants.revoked, []);
  });

  test('a consent that is not AUTH → InvalidConsentStatus, grant untouched', async () => {
    const store = new InMemoryConsentStore();
    const consent = await consentIn(store, ConsentStatus.Revoked, {}, ['acc_alice_current']);
    const grants = new FakeGrantRevoker();
    await assert.rejects(revokeConsentByCustomer(store, grants, 'cus_sandbox_alice', consent.id, NOW), isError(InvalidConsentStatus));
    assert.deepEqual(grants.revoked, []);
  });
});

describe('findConsentBackingGrant', () => {
  test('the grant an AUTH consent is bound to → the consent; another grant → null', async () => {
    const store = new InMemoryConsentStore();
    const consent = await consentIn(store, ConsentStatus.Authorised, {}, ['acc_alice_current']);
    assert.equal((await findConsentBackingGrant(store, `grant_${consent.id}`, NOW))?.id, consent.id);
    assert.equal(await findConsentBackingGrant(store, 'grant_unknown', NOW), null);
  });

  test('the grant of a revoked or expired consent → null (expiry applied: EXPD)', async () => {
    const store = new InMemoryConsentStore();
    const revoked = await consentIn(store, ConsentStatus.Revoked, {}, ['acc_alice_current']);
    assert.equal(await findConsentBackingGrant(store, `grant_${revoked.id}`, NOW), null);
    const expiring = await consentIn(store, ConsentStatus.Authorised, { expiresAt: new Date(IN_AN_HOUR) }, ['acc_alice_current']);
    assert.equal(await findConsentBackingGrant(store, `grant_${expiring.id}`, LATER), null);
    assert.equal(await statusOf(store, expiring.id), ConsentStatus.Expired);
  });
});
