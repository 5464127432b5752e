// Proves that all 21 account-access permission codes get plain-English text, grouped into a short list in a stable order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { ACCOUNT_PERMISSIONS } from '../domain/consents/permissions.js';
import { describePermissions } from './permission-text.js';

const ALL_CODES = ACCOUNT_PERMISSIONS;

const titles = (codes: readonly string[]): string[] => describePermissions(codes).map((item) => item.title);
const description = (codes: readonly string[], title: string): string | undefined =>
  describePermissions(codes).find((item) => item.title === title)?.description;

describe('describePermissions', () => {
  it('describes every one of the 21 codes on its own', () => {
    assert.equal(ALL_CODES.length, 21);
    for (const code of ALL_CODES) {
      const items = describePermissions([code]);
      assert.equal(items.length, 1, code);
      assert.ok(items[0]!.title.length > 0 && items[0]!.description.length > 0, code);
    }
  });

  it('groups all 21 codes into a short list with accounts, balances and transactions first', () => {
    assert.deepEqual(titles(ALL_CODES), [
      'Your account details',
      'Your balances',
      'Your transactions',
      'Your full card numbers',
      'Your saved payees',
      'Your Direct Debits',
      'Your standing orders',
      'Your future-dated payments',
      'Your statements',
      'Your account features',
      'Offers for you',
      'Your contact details',
    ]);
  });

  it('keeps the same order whatever order the codes come in, and ignores duplicates', () => {
    const reversed = [...ALL_CODES].reverse();
    assert.deepEqual(describePermissions([...reversed, ...reversed]), describePermissions(ALL_CODES));
    assert.deepEqual(titles(['ReadTransactionsDetail', 'ReadTransactionsCredits', 'ReadBalances', 'ReadAccountsBasic']), [
      'Your account details',
      'Your balances',
      'Your transactions',
    ]);
  });

  it('ignores unknown codes', () => {
    assert.deepEqual(describePermissions(['ReadEverything', 'readbalances', '']), []);
    assert.deepEqual(titles(['Nonsense', 'ReadBalances']), ['Your balances']);
    assert.deepEqual(describePermissions([]), []);
  });

  it('words a Basic/Detail pair for the Detail level when both are present', () => {
    const detail = description(['ReadAccountsDetail'], 'Your account details');
    assert.match(detail!, /account number and sort code/);
    assert.equal(description(['ReadAccountsBasic', 'ReadAccountsDetail'], 'Your account details'), detail);
    assert.doesNotMatch(description(['ReadAccountsBasic'], 'Your account details')!, /account number/);
    assert.match(description(['ReadBeneficiariesBasic', 'ReadBeneficiariesDetail'], 'Your saved payees')!, /account details/);
    assert.doesNotMatch(description(['ReadBeneficiariesBasic'], 'Your saved payees')!, /account details/);
  });

  it('words transactions by which of Credits, Debits and Detail are present', () => {
    const tx = (...codes: string[]): string => description(codes, 'Your transactions')!;
    assert.equal(
      tx('ReadTransactionsBasic', 'ReadTransactionsDetail', 'ReadTransactionsCredits', 'ReadTransactionsDebits'),
      'Incoming and outgoing payments, with payee and payer details, references and the balance after each one.',
    );
    assert.equal(
      tx('ReadTransactionsDetail', 'ReadTransactionsCredits'),
      'Incoming payments, with payer details, references and the balance after each one.',
    );
    assert.equal(
      tx('ReadTransactionsDetail', 'ReadTransactionsDebits'),
      'Outgoing payments, with payee details, references and the balance after each one.',
    );
    assert.equal(
      tx('ReadTransactionsBasic', 'ReadTransactionsCredits', 'ReadTransactionsDebits'),
      'Incoming and outgoing payments: the amount, date and type of each.',
    );
    assert.equal(tx('ReadTransactionsBasic', 'ReadTransactionsDebits'), 'Outgoing payments: the amount, date and type of each.');
    assert.equal(describePermissions(ALL_CODES.filter((code) => code.startsWith('ReadTransactions'))).length, 1);
  });

  it('never understates an incomplete transactions set: no direction means both directions', () => {
    assert.match(description(['ReadTransactionsDetail'], 'Your transactions')!, /^Incoming and outgoing payments, with payee and payer/);
    assert.match(description(['ReadTransactionsCredits'], 'Your transactions')!, /^Incoming payments: /);
  });

  it('words party details by whose details are shared', () => {
    assert.deepEqual(describePermissions(['ReadPartyPSU']), [
      { title: 'Your contact details', description: 'Your name, address, email address and phone number.' },
    ]);
    assert.match(description(['ReadParty'], 'Account holder details')!, /each person who holds the account/);
    assert.match(description(['ReadParty', 'ReadPartyPSU'], 'Your contact details')!, /anyone you share an account with/);
  });
});
