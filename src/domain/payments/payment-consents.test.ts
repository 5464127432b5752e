// Proves confirmFunds answers by the one funds rule over the facts the store reports: available when balance + pending debits + overdraft covers the amount and the charges exactly, not one penny short; an unknown account has no funds; only the token's own AUTH consent may ask.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConsentStatus } from '../consents/consent-status.js';
import { InvalidConsentStatus, ResourceForbidden } from '../errors.js';
import type { AccountFunds } from '../ledger/funds.js';
import type { DomesticPaymentConsent } from './payment-consent.js';
import { confirmFunds, type FundsReader } from './payment-consents.js';

const DEBTOR = 'acc_alice_current';
const NOW = new Date('2030-06-01T12:00:00.000Z');

/** An authorised consent of 100.00 with a charge of 0.50. */
const CONSENT: DomesticPaymentConsent = {
  kind: 'domestic-payment',
  id: 'pmc_funds',
  clientId: 'cli_funds',
  status: ConsentStatus.Authorised,
  statusReason: null,
  request: {
    Data: {
      Initiation: {
        InstructionIdentification: 'I-1',
        EndToEndIdentification: 'E-1',
        InstructedAmount: { Amount: '100.00', Currency: 'GBP' },
        CreditorAccount: { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '20325873918204', Name: 'Acme Ltd' },
      },
    },
    Risk: {},
  },
  charges: [{ type: 'UK.OBIE.FasterPaymentsOut', bearer: 'BorneByDebtor', amountMinor: 50n, currency: 'GBP' }],
  authoriseBy: NOW,
  customerId: 'cus_sandbox_alice',
  debtorAccountId: DEBTOR,
  debtor: null,
  grantId: 'grant_funds',
  authorisedAt: NOW,
  createdAt: NOW,
  statusUpdatedAt: NOW,
};

function reader(funds: AccountFunds | null): FundsReader {
  return { readFunds: async (accountId) => (accountId === DEBTOR ? funds : null) };
}

describe('confirmFunds', () => {
  test('balance + pending debits + overdraft exactly the amount and the charges → available; one penny less → not', async () => {
    assert.equal(
      await confirmFunds(reader({ balanceMinor: 8_050n, pendingDebitsMinor: -3_000n, overdraftLimitMinor: 5_000n }), CONSENT, CONSENT.id),
      true,
    );
    assert.equal(
      await confirmFunds(reader({ balanceMinor: 8_049n, pendingDebitsMinor: -3_000n, overdraftLimitMinor: 5_000n }), CONSENT, CONSENT.id),
      false,
    );
  });

  test('an account the store does not know → not available', async () => {
    assert.equal(await confirmFunds(reader(null), CONSENT, CONSENT.id), false);
  });

  test('another consent id than the token’s → ResourceForbidden; a consent no longer AUTH → InvalidConsentStatus', async () => {
    const plenty = reader({ balanceMinor: 1_000_000n, pendingDebitsMinor: 0n, overdraftLimitMinor: 0n });
    await assert.rejects(confirmFunds(plenty, CONSENT, 'pmc_other'), ResourceForbidden);
    await assert.rejects(confirmFunds(plenty, { ...CONSENT, status: ConsentStatus.Consumed }, CONSENT.id), InvalidConsentStatus);
  });
});
