// Proves that a customer's view of a VRP mandate counts what the limits count: payments not rejected, in the current
// period of each limit; earlier periods and rejected payments leave the limit as it was.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DomesticPayment } from '../domestic-payment.js';
import { InMemoryPaymentStore } from '../../../../test/support/in-memory-payment-store.js';
import { mandateUse } from './mandate-use.js';
import type { DomesticVrpConsent } from './vrp-consent.js';

const CREATED = new Date('2030-01-07T09:00:00Z');

const MANDATE: DomesticVrpConsent = {
  id: 'vrc_1',
  clientId: 'cli_1',
  status: 'AUTH',
  statusReason: null,
  request: {
    Data: {
      ControlParameters: {
        VRPType: ['UK.OBIE.VRPType.Sweeping'],
        PSUAuthenticationMethods: ['UK.OBIE.SCANotRequired'],
        MaximumIndividualAmount: { Amount: '50.00', Currency: 'GBP' },
        PeriodicLimits: [
          { PeriodType: 'Week', PeriodAlignment: 'Consent', Amount: '100.00', Currency: 'GBP' },
          { PeriodType: 'Month', PeriodAlignment: 'Calendar', Amount: '300.00', Currency: 'GBP' },
        ],
      },
      Initiation: {},
    },
    Risk: {},
  },
  validFrom: null,
  validTo: null,
  customerId: 'cus_1',
  debtorAccountId: 'acc_1',
  debtor: null,
  grantId: 'grant',
  authorisedAt: CREATED,
  createdAt: CREATED,
  statusUpdatedAt: CREATED,
  deletedAt: null,
};

function paid(at: string, amountMinor: bigint, status: DomesticPayment['status'] = 'ACSC'): DomesticPayment {
  const createdAt = new Date(at);
  return {
    id: `pmt_${at}`,
    kind: 'domestic-vrp',
    dueAt: null,
    executedAt: createdAt,
    consentId: 'vrc_1',
    instructionIdentification: at,
    instruction: null,
    clientId: 'cli_1',
    customerId: 'cus_1',
    debtorAccountId: 'acc_1',
    status,
    statusReason: null,
    amountMinor,
    chargesMinor: 0n,
    currency: 'GBP',
    localInstrument: 'UK.OBIE.FPS',
    route: 'internal',
    creditorAccountId: 'acc_2',
    creditorIdentification: '99030100000002',
    settleAfter: null,
    createdAt,
    statusUpdatedAt: createdAt,
  };
}

test('payments of this week and month count, an earlier week and a rejected payment do not; newest payment first', async () => {
  const payments = [
    paid('2030-01-08T10:00:00Z', 2_000n),
    paid('2030-01-15T10:00:00Z', 3_000n),
    paid('2030-01-16T10:00:00Z', 1_000n),
    paid('2030-01-16T11:00:00Z', 4_000n, 'RJCT'),
  ];
  const store = new InMemoryPaymentStore();
  for (const payment of payments) store.put(payment);
  const use = await mandateUse(store, MANDATE, new Date('2030-01-17T12:00:00Z'));
  assert.deepEqual(
    use.periods.map((period) => [period.start.toISOString(), period.usedMinor, period.leftMinor]),
    [
      ['2030-01-14T00:00:00.000Z', 4_000n, 6_000n],
      ['2030-01-07T00:00:00.000Z', 6_000n, use.periods[1] ? use.periods[1].limitMinor - 6_000n : 0n],
    ],
  );
  assert.deepEqual(
    use.payments.map((payment) => payment.id),
    ['pmt_2030-01-16T11:00:00Z', 'pmt_2030-01-16T10:00:00Z', 'pmt_2030-01-15T10:00:00Z', 'pmt_2030-01-08T10:00:00Z'],
  );
});
