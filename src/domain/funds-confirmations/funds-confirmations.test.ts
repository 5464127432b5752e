// Proves funds confirmation against in-memory stores: only the token's own AUTH consent answers, in its account's
// currency, yes or no by the one funds rule (booked balance, pending debits, overdraft), reserving nothing; an expired
// consent answers U009 and is EXPD from then on. Every answer is kept in the customer's history, with the card issuer
// that asked; a refused question is not an answer and is not kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDomainError as isError } from '../../../test/support/domain-errors.js';
import { InMemoryFundsConfirmationConsentStore } from '../../../test/support/in-memory-funds-confirmation-consent-store.js';
import { InMemoryFundsConfirmationHistory } from '../../../test/support/in-memory-funds-confirmation-history.js';
import { ConsentStatus } from '../consents/consent-status.js';
import { InvalidConsentStatus, InvalidField } from '../errors.js';
import type { AccountFunds } from '../ledger/funds.js';
import { ConsentMismatch } from '../payments/consent-match.js';
import type { FundsConfirmationConsent } from './funds-confirmation-consent.js';
import { confirmFunds, type FundsConfirmationRequest } from './funds-confirmations.js';

const NOW = new Date('2030-06-03T09:00:00.000Z');

function consent(overrides: Partial<FundsConfirmationConsent> = {}): FundsConfirmationConsent {
  return {
    id: 'fcc_one',
    clientId: 'cli_card_issuer',
    status: ConsentStatus.Authorised,
    statusReason: null,
    request: { Data: { DebtorAccount: { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99030131926819' } } },
    expiresAt: null,
    customerId: 'cus_sandbox_alice',
    account: { id: 'acc_alice_current', currency: 'GBP' },
    grantId: 'grant_one',
    authorisedAt: NOW,
    createdAt: NOW,
    statusUpdatedAt: NOW,
    ...overrides,
  };
}

/** £100.00 booked, £30.00 of card authorisations pending, a £50.00 overdraft: £120.00 can be spent. */
const FUNDS: AccountFunds = { balanceMinor: 10_000n, pendingDebitsMinor: -3_000n, overdraftLimitMinor: 5_000n };

function services(given: FundsConfirmationConsent = consent(), funds: AccountFunds | null = FUNDS) {
  const store = new InMemoryFundsConfirmationConsentStore();
  store.put(given);
  const reads: string[] = [];
  const history = new InMemoryFundsConfirmationHistory();
  return {
    store,
    reads,
    history,
    services: {
      fundsConfirmationConsents: store,
      funds: { readFunds: async (accountId: string) => (reads.push(accountId), funds) },
      fundsConfirmationHistory: history,
    },
  };
}

function ask(amount: string, currency = 'GBP', consentId = 'fcc_one'): FundsConfirmationRequest {
  return { Data: { ConsentId: consentId, Reference: 'Purchase01', InstructedAmount: { Amount: amount, Currency: currency } } };
}

test('up to what the account can spend → available; a penny more → not available; an fcf_ id, the reference and amount echoed', async () => {
  const { services: given, reads } = services();
  const yes = await confirmFunds(given, consent(), ask('120.00'), NOW);
  assert.equal(yes.available, true);
  assert.match(yes.id, /^fcf_/);
  assert.equal(yes.reference, 'Purchase01');
  assert.equal(yes.amountMinor, 12_000n);
  assert.equal(yes.currency, 'GBP');
  assert.deepEqual(yes.createdAt, NOW);
  assert.equal((await confirmFunds(given, consent(), ask('120.01'), NOW)).available, false);
  assert.deepEqual(reads, ['acc_alice_current', 'acc_alice_current']);
});

test('every answer is kept with the card issuer and the customer; a refused question is not kept', async () => {
  const { services: given, history } = services();
  const yes = await confirmFunds(given, consent(), ask('120.00'), NOW);
  const no = await confirmFunds(given, consent(), ask('120.01'), NOW);
  await assert.rejects(confirmFunds(given, consent(), ask('1.00', 'EUR'), NOW), InvalidField);
  await assert.rejects(confirmFunds(given, consent(), ask('1.00', 'GBP', 'fcc_other'), NOW), ConsentMismatch);
  assert.deepEqual(history.recorded, [
    { ...yes, clientId: 'cli_card_issuer', customerId: 'cus_sandbox_alice' },
    { ...no, clientId: 'cli_card_issuer', customerId: 'cus_sandbox_alice' },
  ]);
});

test('an account the ledger no longer knows → not available', async () => {
  const { services: given } = services(consent(), null);
  assert.equal((await confirmFunds(given, consent(), ask('1.00'), NOW)).available, false);
});

test("Data.ConsentId not the token's consent → ConsentMismatch at Data.ConsentId; nothing read", async () => {
  const { services: given, reads } = services();
  await assert.rejects(confirmFunds(given, consent(), ask('1.00', 'GBP', 'fcc_other'), NOW), isError(ConsentMismatch, 'Data.ConsentId'));
  assert.deepEqual(reads, []);
});

test('a consent that is not AUTH (AWAU, RJCT, CANC) → InvalidConsentStatus', async () => {
  for (const status of [ConsentStatus.AwaitingAuthorisation, ConsentStatus.Rejected, ConsentStatus.Revoked]) {
    const revoked = consent({ status });
    const { services: given } = services(revoked);
    await assert.rejects(confirmFunds(given, revoked, ask('1.00'), NOW), isError(InvalidConsentStatus));
  }
});

test('an AUTH consent past its expiry → InvalidConsentStatus, and it is EXPD afterwards', async () => {
  const expired = consent({ expiresAt: new Date('2030-06-01T00:00:00Z') });
  const { services: given, store } = services(expired);
  await assert.rejects(confirmFunds(given, expired, ask('1.00'), NOW), isError(InvalidConsentStatus));
  assert.equal((await store.findById(expired.id))?.status, ConsentStatus.Expired);
});

test("another currency than the account's → InvalidField at the currency; zero, or more decimals than GBP has → InvalidField at the amount", async () => {
  const { services: given } = services();
  await assert.rejects(confirmFunds(given, consent(), ask('1.00', 'EUR'), NOW), isError(InvalidField, 'Data.InstructedAmount.Currency'));
  await assert.rejects(confirmFunds(given, consent(), ask('0.00'), NOW), isError(InvalidField, 'Data.InstructedAmount.Amount'));
  await assert.rejects(confirmFunds(given, consent(), ask('1.001'), NOW), isError(InvalidField, 'Data.InstructedAmount.Amount'));
});
