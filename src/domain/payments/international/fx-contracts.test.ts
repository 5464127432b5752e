// Proves the bank's FX contracts: one agreed at a rate (or at the bank's rate now) is accepted for its partner, its currencies and its exact rate until it expires, and refused with InvalidField when forged, altered, another partner's, expired or sent with another rate; contracts are agreed only for account currencies the bank holds and currencies it exchanges, for 1 to 365 days.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidField } from '../../errors.js';
import { formatExchangeRate, parseExchangeRate } from '../../fx/exchange-rate.js';
import { SANDBOX_RATE_TABLE } from '../../fx/rate-table.js';
import { agreeFxContract, fxContractVerifier } from './fx-contracts.js';

const SECRET = new Uint8Array(32).fill(7);
const NOW = new Date('2026-03-02T10:00:00Z');
const verifier = fxContractVerifier(SECRET);

describe('FX contracts', () => {
  const contract = agreeFxContract(
    SECRET,
    SANDBOX_RATE_TABLE,
    { clientId: 'cli_a', unitCurrency: 'GBP', targetCurrency: 'USD', agreedRate: '1.25', days: 30 },
    NOW,
  );

  test('agreed at 1.25 for 30 days → FXC.GBP.USD.125000000.<expiry>.<mac>, accepted for its partner and rate until it expires', () => {
    assert.match(contract.contractIdentification, /^FXC\.GBP\.USD\.125000000\.\d+\.[A-Za-z0-9_-]{43}$/);
    assert.equal(contract.expiresAt.toISOString(), '2026-04-01T10:00:00.000Z');
    const rate = parseExchangeRate(1.25, 'GBP', 'USD');
    verifier.assertAgreed('cli_a', contract.contractIdentification, rate, new Date(contract.expiresAt.getTime() - 1));
    assert.throws(() => verifier.assertAgreed('cli_a', contract.contractIdentification, rate, contract.expiresAt), InvalidField);
  });

  test('without a rate → the bank customer rate now (1 GBP = 1.26365 USD in the sandbox)', () => {
    const atMarket = agreeFxContract(
      SECRET,
      SANDBOX_RATE_TABLE,
      { clientId: 'cli_a', unitCurrency: 'GBP', targetCurrency: 'USD', agreedRate: null, days: 1 },
      NOW,
    );
    assert.equal(formatExchangeRate(atMarket.rate), '1.26365');
  });

  const refusals: Array<[string, string, string, string]> = [
    ['another partner', 'cli_b', contract.contractIdentification, '1.25'],
    ['another rate', 'cli_a', contract.contractIdentification, '1.2501'],
    ['an altered rate inside the contract', 'cli_a', contract.contractIdentification.replace('125000000', '130000000'), '1.3'],
    ['an altered expiry', 'cli_a', contract.contractIdentification.replace(/\.(\d+)\./, '.9999999999.'), '1.25'],
    [
      'another secret',
      'cli_a',
      agreeFxContract(
        new Uint8Array(32),
        SANDBOX_RATE_TABLE,
        { clientId: 'cli_a', unitCurrency: 'GBP', targetCurrency: 'USD', agreedRate: '1.25', days: 30 },
        NOW,
      ).contractIdentification,
      '1.25',
    ],
    ['not a contract at all', 'cli_a', 'CONTRACT-42', '1.25'],
  ];
  for (const [what, clientId, contractIdentification, rate] of refusals) {
    test(`${what} → InvalidField`, () => {
      assert.throws(() => verifier.assertAgreed(clientId, contractIdentification, parseExchangeRate(rate, 'GBP', 'USD'), NOW), InvalidField);
    });
  }

  for (const [unitCurrency, targetCurrency, days] of [
    ['USD', 'GBP', 30],
    ['GBP', 'GBP', 30],
    ['GBP', 'AUD', 30],
    ['GBP', 'USD', 0],
    ['GBP', 'USD', 366],
  ] as const) {
    test(`agreeing ${unitCurrency}/${targetCurrency} for ${days} days → InvalidField`, () => {
      assert.throws(
        () => agreeFxContract(SECRET, SANDBOX_RATE_TABLE, { clientId: 'cli_a', unitCurrency, targetCurrency, agreedRate: null, days }, NOW),
        InvalidField,
      );
    });
  }
});
