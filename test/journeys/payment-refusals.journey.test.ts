// Proves that every refusal a payment institution can meet is shaped as the spec says (NOTES §4, §7, §9, §10):
// HTTP status, ErrorCode and Path for errors; 201 RJCT with its ISO StatusReason for payments the bank refuses to
// execute (risk limits, insufficient funds, payee refused), with no money moved. Every response, refusals
// included, is schema-valid and signed by the bank (checked by the payment partner client).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateKeyPair } from 'jose';
import { formatAmount } from '../../src/domain/money.js';
import { OB_IAT, OB_ISS, OB_TAN } from '../../src/http/jws/detached-jws.js';
import type { AccountIdentificationRow } from '../../src/persistence/entities/account.entity.js';
import type { ConsentRow } from '../../src/persistence/entities/consent.entity.js';
import type { PaymentRow } from '../../src/persistence/entities/payment.entity.js';
import { bookedBalance, bookedBalances } from '../support/account-balances.js';
import { authorisePayment } from '../support/authorise-payment.js';
import { assertLedgerInvariants } from '../support/ledger-invariants.js';
import {
  ACCOUNTS,
  assertRefusal,
  CLIENT_AUTH_KID,
  consentRequest,
  paymentRequest,
  PISP,
  registerPaymentPartner,
  type ConsentRequestOptions,
  type PaymentConsentRequest,
  type PaymentPartner,
  type PisResponse,
} from '../support/payment-partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const CONSENTS = `${PISP}/domestic-payment-consents`;
const PAYMENTS = `${PISP}/domestic-payments`;

/** An authorised consent: what was asked, its id and the customer's access token. */
interface AuthorisedConsent {
  readonly request: PaymentConsentRequest;
  readonly consentId: string;
  readonly accessToken: string;
}

async function authorisedConsent(
  server: TestServer,
  partner: PaymentPartner,
  options: ConsentRequestOptions & { username: string; debtorAccountId: string },
): Promise<AuthorisedConsent> {
  const request = consentRequest(options);
  const created = await partner.createConsent(request);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const consentId = created.body.Data.ConsentId as string;
  const { accessToken } = await authorisePayment(server, partner, consentId, options);
  return { request, consentId, accessToken };
}

function pay(
  partner: PaymentPartner,
  consent: AuthorisedConsent,
  body: unknown = paymentRequest(consent.consentId, consent.request),
  idempotencyKey?: string,
): Promise<PisResponse> {
  return partner.signedPost(consent.accessToken, PAYMENTS, body, { idempotencyKey });
}

/** A deep copy of a payment request with one change applied. */
function changed<T>(body: T, change: (copy: any) => void): T {
  const copy = structuredClone(body);
  change(copy);
  return copy;
}

function assertRejectedPayment(response: PisResponse, reasonCode: string): void {
  assert.equal(response.status, 201, JSON.stringify(response.body));
  assert.equal(response.body.Data.Status, 'RJCT');
  assert.equal(response.body.Data.StatusReason.length, 1);
  assert.equal(response.body.Data.StatusReason[0].StatusReasonCode, reasonCode);
  assert.ok(response.body.Data.StatusReason[0].StatusReasonDescription, 'the reason is described');
}

async function countRows(server: TestServer, entity: 'Consent' | 'Payment', where: Record<string, string>): Promise<number> {
  return server.database.dataSource.getRepository<ConsentRow | PaymentRow>(entity).countBy(where);
}

describe('payment refusals', () => {
  let server: TestServer;
  let partner: PaymentPartner;
  const request = consentRequest({ amount: '10.00', payee: ACCOUNTS.bobCurrent });

  before(async () => {
    server = await startTestServer();
    partner = await registerPaymentPartner(server);
  });
  after(async () => server.close());

  describe('the request signature (x-jws-signature)', () => {
    const cases: Array<[string, Parameters<PaymentPartner['signedPost']>[3], string, string]> = [
      ['missing → 400 U019', { signature: null }, 'U019', 'x-jws-signature'],
      ['not a detached JWS → 400 U018', { signature: 'not-a-jws' }, 'U018', 'x-jws-signature'],
      ['carrying the body instead of being detached → 400 U018', { signature: 'eyJhbGciOiJQUzI1NiJ9.e30.c2ln' }, 'U018', 'x-jws-signature'],
      ['without the iss claim → 400 U017 Path iss', { signature: { omit: [OB_ISS] } }, 'U017', OB_ISS],
      ['without iat → 400 U017 Path iat', { signature: { omit: [OB_IAT] } }, 'U017', OB_IAT],
      ['naming a kid the app did not register → 400 U016 Path kid', { signature: { header: { kid: 'unknown-key' } } }, 'U016', 'kid'],
      ['naming the ES256 client-authentication key → 400 U016 Path kid', { signature: { header: { kid: CLIENT_AUTH_KID } } }, 'U016', 'kid'],
      ['under another trust anchor → 400 U016 Path tan', { signature: { header: { [OB_TAN]: 'openbanking.org.uk' } } }, 'U016', OB_TAN],
      ['with another partner identity as iss → 400 U016 Path iss', { signature: { header: { [OB_ISS]: 'ptn_other/cli_other' } } }, 'U016', OB_ISS],
      ['with iat in the future → 400 U016 Path iat', { signature: { header: { [OB_IAT]: Math.floor(Date.now() / 1000) + 3600 } } }, 'U016', OB_IAT],
      ['with alg RS256 → 400 U016 Path alg', { signature: { header: { alg: 'RS256' } } }, 'U016', 'alg'],
      ['with b64 false → 400 U016 Path b64', { signature: { header: { b64: false } } }, 'U016', 'b64'],
      [
        'over other bytes than the body sent (tampered body) → 400 U015',
        { signature: { signedBody: JSON.stringify(changed(request, (copy) => (copy.Data.Initiation.InstructedAmount.Amount = '10000.00'))) } },
        'U015',
        'x-jws-signature',
      ],
    ];
    for (const [name, options, code, path] of cases) {
      test(`POST /domestic-payment-consents with a signature ${name}`, async () => {
        assertRefusal(await partner.createConsent(request, options), 400, code, path);
      });
    }

    test('POST /domestic-payment-consents signed with a key the app never registered, under its kid → 400 U015', async () => {
      const { privateKey } = await generateKeyPair('PS256', { modulusLength: 2048 });
      assertRefusal(await partner.createConsent(request, { signature: { key: privateKey } }), 400, 'U015', 'x-jws-signature');
    });

    test('the same body re-serialised with other spacing than the bytes signed → 400 U015 (the exact bytes are signed)', async () => {
      const token = await partner.paymentsToken();
      const signature = await partner.sign(JSON.stringify(request));
      assertRefusal(await partner.signedPost(token, CONSENTS, JSON.stringify(request, null, 2), { signature }), 400, 'U015');
    });

    test('POST /domestic-payments with no signature → 400 U019, and nothing is paid', async () => {
      const consent = await authorisedConsent(server, partner, {
        amount: '1.00',
        payee: ACCOUNTS.bobCurrent,
        username: 'alice',
        debtorAccountId: 'acc_alice_current',
      });
      const response = await partner.signedPost(consent.accessToken, PAYMENTS, paymentRequest(consent.consentId, consent.request), {
        signature: null,
      });
      assertRefusal(response, 400, 'U019', 'x-jws-signature');
      assert.equal(await countRows(server, 'Payment', { consentId: consent.consentId }), 0);
    });
  });

  describe('the idempotency key (x-idempotency-key)', () => {
    test('missing → 400 U007 Path x-idempotency-key', async () => {
      assertRefusal(await partner.createConsent(request, { idempotencyKey: null }), 400, 'U007', 'x-idempotency-key');
    });

    test('41 characters → 400 U006 Path x-idempotency-key; 40 characters → 201', async () => {
      assertRefusal(await partner.createConsent(request, { idempotencyKey: 'k'.repeat(41) }), 400, 'U006', 'x-idempotency-key');
      assert.equal(
        (await partner.createConsent(consentRequest({ amount: '1.00', payee: ACCOUNTS.bobCurrent }), { idempotencyKey: 'k'.repeat(40) })).status,
        201,
      );
    });

    test('consent: same key + same body → 201 with the same consent, no second one; same key + another body → 400 U006, the original untouched', async () => {
      const key = `consent-${Date.now()}`;
      const body = consentRequest({ amount: '7.00', payee: ACCOUNTS.bobCurrent });
      const first = await partner.createConsent(body, { idempotencyKey: key });
      assert.equal(first.status, 201);
      const consentsBefore = await countRows(server, 'Consent', { clientId: partner.clientId });

      const again = await partner.createConsent(body, { idempotencyKey: key });
      assert.equal(again.status, 201);
      assert.deepEqual(again.body, first.body);
      assert.equal(await countRows(server, 'Consent', { clientId: partner.clientId }), consentsBefore, 'no second consent');

      const other = changed(body, (copy) => (copy.Data.Initiation.InstructedAmount.Amount = '700.00'));
      assertRefusal(await partner.createConsent(other, { idempotencyKey: key }), 400, 'U006', 'x-idempotency-key');
      const stored = await partner.call(await partner.paymentsToken(), 'GET', `${CONSENTS}/${first.body.Data.ConsentId}`);
      assert.deepEqual(stored.body.Data.Initiation, body.Data.Initiation);
      assert.equal(stored.body.Data.Status, 'AWAU');
      assert.equal(await countRows(server, 'Consent', { clientId: partner.clientId }), consentsBefore);
    });

    test('a key is per partner: another partner may use the same key for its own consent', async () => {
      const other = await registerPaymentPartner(server, 'Another Payments App');
      const key = `shared-${Date.now()}`;
      const mine = await partner.createConsent(consentRequest({ amount: '2.00', payee: ACCOUNTS.bobCurrent }), { idempotencyKey: key });
      const theirs = await other.createConsent(consentRequest({ amount: '3.00', payee: ACCOUNTS.bobCurrent }), { idempotencyKey: key });
      assert.equal(mine.status, 201);
      assert.equal(theirs.status, 201);
      assert.notEqual(mine.body.Data.ConsentId, theirs.body.Data.ConsentId);
    });

    test('payment: same key + same body → 201 with the same payment, paid once; same key + another body → 400 U006; a new key → 400 U009', async () => {
      const consent = await authorisedConsent(server, partner, {
        amount: '4.00',
        payee: ACCOUNTS.bobCurrent,
        username: 'alice',
        debtorAccountId: 'acc_alice_current',
      });
      const balance = await bookedBalance(server.database.dataSource, 'acc_alice_current');
      const key = `payment-${Date.now()}`;
      const first = await pay(partner, consent, undefined, key);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(first.body.Data.Status, 'ACSC');

      const again = await pay(partner, consent, undefined, key);
      assert.equal(again.status, 201);
      assert.deepEqual(again.body.Data, first.body.Data);
      assert.equal(await countRows(server, 'Payment', { consentId: consent.consentId }), 1);
      assert.equal(await bookedBalance(server.database.dataSource, 'acc_alice_current'), balance - 400n, 'paid once');

      const other = changed(paymentRequest(consent.consentId, consent.request), (copy) => (copy.Risk = {}));
      assertRefusal(await pay(partner, consent, other, key), 400, 'U006', 'x-idempotency-key');
      assertRefusal(await pay(partner, consent, undefined, `payment-new-${Date.now()}`), 400, 'U009');
      assert.equal(await countRows(server, 'Payment', { consentId: consent.consentId }), 1);
      await assertLedgerInvariants(server.database.dataSource);
    });
  });

  describe('the payment instruction: the rules of the schema and those it cannot express', () => {
    const cases: Array<[string, ConsentRequestOptions, (initiation: any) => void, string, string]> = [
      [
        'a currency the bank does not pay in (USD) → 400 U023',
        { amount: '10.00', payee: ACCOUNTS.bobCurrent, currency: 'USD' },
        () => {},
        'U023',
        'Data.Initiation.InstructedAmount.Currency',
      ],
      [
        'a LocalInstrument not offered (UK.OBIE.Paym) → 400 U026',
        { amount: '10.00', payee: ACCOUNTS.bobCurrent, localInstrument: 'UK.OBIE.Paym' },
        () => {},
        'U026',
        'Data.Initiation.LocalInstrument',
      ],
      [
        'a SEPA instrument for GBP → 400 U026',
        { amount: '10.00', payee: ACCOUNTS.bobCurrent, localInstrument: 'UK.OBIE.SEPACreditTransfer' },
        () => {},
        'U026',
        'Data.Initiation.LocalInstrument',
      ],
      [
        'a creditor SchemeName not supported (UK.OBIE.PAN) → 400 U027',
        { amount: '10.00', payee: { ...ACCOUNTS.bobCurrent, SchemeName: 'UK.OBIE.PAN' } },
        () => {},
        'U027',
        'Data.Initiation.CreditorAccount.SchemeName',
      ],
      [
        'a sort code identification that is not 14 digits → 400 U002',
        { amount: '10.00', payee: { ...ACCOUNTS.bobCurrent, Identification: '9903014187320' } },
        () => {},
        'U002',
        'Data.Initiation.CreditorAccount.Identification',
      ],
      [
        'an IBAN with a wrong check digit → 400 U002',
        { amount: '10.00', payee: { SchemeName: 'UK.OBIE.IBAN', Identification: 'GB00OTBK99030131926835', Name: 'Alice Thompson' }, currency: 'EUR' },
        () => {},
        'U002',
        'Data.Initiation.CreditorAccount.Identification',
      ],
      [
        'a debtor SchemeName not supported → 400 U027',
        { amount: '10.00', payee: ACCOUNTS.bobCurrent, debtor: { ...ACCOUNTS.aliceCurrent, SchemeName: 'UK.OBIE.Wallet' } },
        () => {},
        'U027',
        'Data.Initiation.DebtorAccount.SchemeName',
      ],
      ['amount 0.00 → 400 U002', { amount: '0.00', payee: ACCOUNTS.bobCurrent }, () => {}, 'U002', 'Data.Initiation.InstructedAmount.Amount'],
      [
        'amount with 3 decimals (1.001) → 400 U002',
        { amount: '1.001', payee: ACCOUNTS.bobCurrent },
        () => {},
        'U002',
        'Data.Initiation.InstructedAmount.Amount',
      ],
      [
        'no CreditorAccount Name (required by the schema) → 400 U004',
        { amount: '10.00', payee: ACCOUNTS.bobCurrent },
        (initiation) => delete initiation.CreditorAccount.Name,
        'U004',
        'Data.Initiation.CreditorAccount.Name',
      ],
    ];
    for (const [name, options, change, code, path] of cases) {
      test(`POST /domestic-payment-consents with ${name} Path ${path}`, async () => {
        const body = changed(consentRequest(options), (copy) => change(copy.Data.Initiation));
        const response = await partner.createConsent(body);
        assert.equal(response.status, 400, JSON.stringify(response.body));
        assert.ok(
          response.body.Errors.some((error: { ErrorCode: string; Path?: string }) => error.ErrorCode === code && error.Path === path),
          JSON.stringify(response.body.Errors),
        );
      });
    }
  });

  describe('a payment that does not repeat its consent', () => {
    let consent: AuthorisedConsent;
    let body: ReturnType<typeof paymentRequest>;

    before(async () => {
      consent = await authorisedConsent(server, partner, {
        amount: '5.00',
        payee: ACCOUNTS.bobCurrent,
        username: 'alice',
        debtorAccountId: 'acc_alice_current',
        risk: { PaymentContextCode: 'TransferToThirdParty', BeneficiaryAccountType: 'Personal' },
      });
      body = paymentRequest(consent.consentId, consent.request);
    });

    const mismatches: Array<[string, (copy: any) => void, string]> = [
      ['another amount', (copy) => (copy.Data.Initiation.InstructedAmount.Amount = '5.01'), 'Data.Initiation.InstructedAmount.Amount'],
      [
        'the same amount written differently (5.0)',
        (copy) => (copy.Data.Initiation.InstructedAmount.Amount = '5.0'),
        'Data.Initiation.InstructedAmount.Amount',
      ],
      [
        'another payee account',
        (copy) => (copy.Data.Initiation.CreditorAccount.Identification = ACCOUNTS.carolCurrent.Identification),
        'Data.Initiation.CreditorAccount.Identification',
      ],
      [
        'another EndToEndIdentification',
        (copy) => (copy.Data.Initiation.EndToEndIdentification = 'e2e-other'),
        'Data.Initiation.EndToEndIdentification',
      ],
      ['a LocalInstrument the consent left out', (copy) => (copy.Data.Initiation.LocalInstrument = 'UK.OBIE.FPS'), 'Data.Initiation.LocalInstrument'],
      ['no RemittanceInformation', (copy) => delete copy.Data.Initiation.RemittanceInformation, 'Data.Initiation.RemittanceInformation'],
      ['another Risk PaymentContextCode', (copy) => (copy.Risk.PaymentContextCode = 'TransferToSelf'), 'Risk.PaymentContextCode'],
      ['a Risk member the consent did not have', (copy) => (copy.Risk.ContractPresentIndicator = true), 'Risk.ContractPresentIndicator'],
      ['an empty Risk', (copy) => (copy.Risk = {}), 'Risk.BeneficiaryAccountType'],
    ];
    for (const [name, change, path] of mismatches) {
      test(`POST /domestic-payments with ${name} → 400 U008 Path ${path}`, async () => {
        assertRefusal(await pay(partner, consent, changed(body, change)), 400, 'U008', path);
      });
    }

    test('POST /domestic-payments naming another consent in Data.ConsentId → 400 U008 Path Data.ConsentId', async () => {
      const other = await partner.createConsent(consentRequest({ amount: '5.00', payee: ACCOUNTS.bobCurrent }));
      assertRefusal(
        await pay(
          partner,
          consent,
          changed(body, (copy) => (copy.Data.ConsentId = other.body.Data.ConsentId)),
        ),
        400,
        'U008',
        'Data.ConsentId',
      );
      assertRefusal(
        await pay(
          partner,
          consent,
          changed(body, (copy) => (copy.Data.ConsentId = 'pmc_unknown')),
        ),
        400,
        'U008',
        'Data.ConsentId',
      );
    });

    test('after all these refusals the consent is still AUTH, nothing was paid, and the exact repeat is paid → 201; then a new key on the COND consent → 400 U009', async () => {
      const stored = await partner.call(await partner.paymentsToken(), 'GET', `${CONSENTS}/${consent.consentId}`);
      assert.equal(stored.body.Data.Status, 'AUTH');
      assert.equal(await countRows(server, 'Payment', { consentId: consent.consentId }), 0);
      const paid = await pay(partner, consent, body);
      assert.equal(paid.status, 201);
      assert.equal(paid.body.Data.Status, 'ACSC');
      assertRefusal(await pay(partner, consent, body), 400, 'U009');
      assert.equal(await countRows(server, 'Payment', { consentId: consent.consentId }), 1);
    });
  });

  describe('resources that do not exist or are not the partner’s', () => {
    test('GET /domestic-payment-consents/{unknown} and GET /domestic-payments/{unknown}(/payment-details) → 400 U011', async () => {
      const token = await partner.paymentsToken();
      assertRefusal(await partner.call(token, 'GET', `${CONSENTS}/pmc_doesnotexist`), 400, 'U011');
      assertRefusal(await partner.call(token, 'GET', `${PAYMENTS}/pmt_doesnotexist`), 400, 'U011');
      assertRefusal(await partner.call(token, 'GET', `${PAYMENTS}/pmt_doesnotexist/payment-details`), 400, 'U011');
    });

    test("another partner's consent and payment → 403", async () => {
      const other = await registerPaymentPartner(server, 'Nosy Payments');
      const consent = await authorisedConsent(server, partner, {
        amount: '1.50',
        payee: ACCOUNTS.bobCurrent,
        username: 'alice',
        debtorAccountId: 'acc_alice_current',
      });
      const payment = await pay(partner, consent);
      assert.equal(payment.status, 201);
      const token = await other.paymentsToken();
      assert.equal((await other.call(token, 'GET', `${CONSENTS}/${consent.consentId}`)).status, 403);
      assert.equal((await other.call(token, 'GET', `${PAYMENTS}/${payment.body.Data.DomesticPaymentId}`)).status, 403);
      assert.equal((await other.call(token, 'GET', `${PAYMENTS}/${payment.body.Data.DomesticPaymentId}/payment-details`)).status, 403);
    });

    test('funds-confirmation for another consent than the token is bound to → 403', async () => {
      const consent = await authorisedConsent(server, partner, {
        amount: '1.25',
        payee: ACCOUNTS.bobCurrent,
        username: 'alice',
        debtorAccountId: 'acc_alice_current',
      });
      const other = await partner.createConsent(consentRequest({ amount: '1.25', payee: ACCOUNTS.bobCurrent }));
      const response = await partner.call(consent.accessToken, 'GET', `${CONSENTS}/${other.body.Data.ConsentId}/funds-confirmation`);
      assert.equal(response.status, 403);
    });

    test('a client-credentials token on POST /domestic-payments or funds-confirmation → 401', async () => {
      const consent = await partner.createConsent(consentRequest({ amount: '1.00', payee: ACCOUNTS.bobCurrent }));
      const token = await partner.paymentsToken();
      const payment = await partner.signedPost(token, PAYMENTS, paymentRequest(consent.body.Data.ConsentId, request));
      assert.equal(payment.status, 401);
      assert.match(payment.headers.get('www-authenticate') ?? '', /^DPoP /);
      assert.equal((await partner.call(token, 'GET', `${CONSENTS}/${consent.body.Data.ConsentId}/funds-confirmation`)).status, 401);
    });

    test('a customer payment token on the consent POST (client credentials only) → 401', async () => {
      const consent = await authorisedConsent(server, partner, {
        amount: '1.75',
        payee: ACCOUNTS.bobCurrent,
        username: 'alice',
        debtorAccountId: 'acc_alice_current',
      });
      assert.equal((await partner.signedPost(consent.accessToken, CONSENTS, request)).status, 401);
    });
  });

  test('a payee at this bank that does not exist → 201 RJCT AC01; a GBP payment to a euro account here → 201 RJCT AM03; no money moved', async () => {
    const { dataSource } = server.database;
    const before = await bookedBalance(dataSource, 'acc_dave_current');
    const nobody = { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '99030100000000', Name: 'Nobody' };
    const unknown = await authorisedConsent(server, partner, {
      amount: '2.00',
      payee: nobody,
      username: 'dave',
      debtorAccountId: 'acc_dave_current',
    });
    assertRejectedPayment(await pay(partner, unknown), 'AC01');
    const iban = await dataSource
      .getRepository<AccountIdentificationRow>('AccountIdentification')
      .findOneByOrFail({ accountId: 'acc_alice_eur', schemeName: 'UK.OBIE.IBAN' });
    const euroWallet = { SchemeName: 'UK.OBIE.IBAN', Identification: iban.identification, Name: 'Alice Thompson' };
    const wrongCurrency = await authorisedConsent(server, partner, {
      amount: '2.00',
      payee: euroWallet,
      username: 'dave',
      debtorAccountId: 'acc_dave_current',
    });
    assertRejectedPayment(await pay(partner, wrongCurrency), 'AM03');
    assert.equal(await bookedBalance(dataSource, 'acc_dave_current'), before);
    await assertLedgerInvariants(dataSource);
  });

  test('an unknown path under /pisp → 404 U011, signed like every payment response', async () => {
    assertRefusal(await partner.call(await partner.paymentsToken(), 'GET', `${PISP}/file-payments/pmt_x`), 404, 'U011');
  });

  test('insufficient funds → 201 RJCT AM04, the consent is COND, no money moved', async () => {
    const { dataSource } = server.database;
    const spendable = await bookedBalance(dataSource, 'acc_carol_current'); // no overdraft
    const consent = await authorisedConsent(server, partner, {
      amount: formatAmount(spendable + 100n, 'GBP'),
      payee: ACCOUNTS.daveCurrent,
      username: 'carol',
      debtorAccountId: 'acc_carol_current',
    });
    const watched = ['acc_carol_current', 'acc_dave_current', 'acc_bank_gbp_fee_income'];
    const before = await bookedBalances(dataSource, watched);
    const response = await pay(partner, consent);
    assertRejectedPayment(response, 'AM04');
    assert.equal((await partner.call(await partner.paymentsToken(), 'GET', `${CONSENTS}/${consent.consentId}`)).body.Data.Status, 'COND');
    assert.equal(
      (await partner.call(await partner.paymentsToken(), 'GET', `${PAYMENTS}/${response.body.Data.DomesticPaymentId}`)).body.Data.Status,
      'RJCT',
    );
    assert.deepEqual(await bookedBalances(dataSource, watched), before);
    await assertLedgerInvariants(dataSource);
  });
});

describe('payment refusals by risk limits (PAYMENT_MAX_AMOUNT=100.00, PAYMENT_DAILY_LIMIT=150.00, PAYMENT_CUSTOMER_VELOCITY=2/3600)', () => {
  let server: TestServer;
  let partner: PaymentPartner;

  before(async () => {
    server = await startTestServer({ env: { PAYMENT_MAX_AMOUNT: '100.00', PAYMENT_DAILY_LIMIT: '150.00', PAYMENT_CUSTOMER_VELOCITY: '2/3600' } });
    partner = await registerPaymentPartner(server);
  });
  after(async () => server.close());

  async function payNow(username: string, debtorAccountId: string, amount: string): Promise<PisResponse> {
    const consent = await authorisedConsent(server, partner, { amount, payee: ACCOUNTS.daveCurrent, username, debtorAccountId });
    return pay(partner, consent);
  }

  test('a payment above the largest allowed (100.01) → 201 RJCT AM02, no money moved', async () => {
    const before = await bookedBalance(server.database.dataSource, 'acc_alice_current');
    assertRejectedPayment(await payNow('alice', 'acc_alice_current', '100.01'), 'AM02');
    assert.equal(await bookedBalance(server.database.dataSource, 'acc_alice_current'), before);
    assert.equal((await payNow('alice', 'acc_alice_current', '100.00')).body.Data.Status, 'ACSC', 'exactly the largest is allowed');
  });

  test("a payment beyond the customer's daily limit (90.00 + 70.00 > 150.00) → 201 RJCT AM14", async () => {
    assert.equal((await payNow('bob', 'acc_bob_current', '90.00')).body.Data.Status, 'ACSC');
    const before = await bookedBalance(server.database.dataSource, 'acc_bob_current');
    assertRejectedPayment(await payNow('bob', 'acc_bob_current', '70.00'), 'AM14');
    assert.equal(await bookedBalance(server.database.dataSource, 'acc_bob_current'), before);
  });

  test('a third payment by one customer within the velocity window → 201 RJCT AG01', async () => {
    assert.equal((await payNow('carol', 'acc_carol_current', '1.00')).body.Data.Status, 'ACSC');
    assert.equal((await payNow('carol', 'acc_carol_current', '1.00')).body.Data.Status, 'ACSC');
    const before = await bookedBalance(server.database.dataSource, 'acc_carol_current');
    assertRejectedPayment(await payNow('carol', 'acc_carol_current', '1.00'), 'AG01');
    assert.equal(await bookedBalance(server.database.dataSource, 'acc_carol_current'), before);
    await assertLedgerInvariants(server.database.dataSource);
  });
});
