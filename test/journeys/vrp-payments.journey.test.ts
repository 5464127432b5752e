// Proves payments under a VRP mandate as a payment institution sees them, over HTTP with a real relying party (DPoP,
// signed requests, every response schema-valid and signed by the bank): one authorisation, then payments without the
// customer, each moving money at once to the customer's own account; limits refused with 400 U014 naming the control
// parameter; a request that differs from the mandate refused (U008, U014); a replay never paying twice (the same DPoP
// proof → 401, the same instruction under a new key → 409 U029, the same key → the same payment); a sweeping mandate to
// someone else's account cannot be agreed to; an external payee settled later with a resource-update event; the partner's DELETE ends it
// (the next payment 400 U009); the customer sees each limit's use and the payments in /account and can cancel.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { bookedBalances } from '../support/account-balances.js';
import { CustomerBrowser, readForm } from '../support/customer-browser.js';
import { REDIRECT_URI } from '../support/partner.js';
import { csrfOf } from '../support/portal-client.js';
import { authorisePayment, openPaymentPage } from '../support/authorise-payment.js';
import { assertLedgerInvariants } from '../support/ledger-invariants.js';
import {
  ACCOUNTS,
  assertRefusal,
  PISP,
  registerPaymentPartner,
  VRP_CONSENTS,
  vrpConsentRequest,
  type PaymentPartner,
  type PisResponse,
} from '../support/payment-partner.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const VRPS = `${PISP}/domestic-vrps`;

describe('domestic VRPs', () => {
  let server: TestServer;
  let partner: PaymentPartner;

  before(async () => {
    server = await startTestServer();
    partner = await registerPaymentPartner(server, 'Sweep Genie');
  });
  after(async () => server.close());

  /** A mandate alice authorised from her current account (by default: sweeping to her savings, £10 a payment, £50 a week). */
  async function authorisedMandate(body: ReturnType<typeof vrpConsentRequest> = vrpConsentRequest()) {
    const created = await partner.signedPost(await partner.paymentsToken(), VRP_CONSENTS, body);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const consentId = created.body.Data.ConsentId as string;
    const { accessToken } = await authorisePayment(server, partner, consentId, { username: 'alice', debtorAccountId: 'acc_alice_current' });
    return { consentId, accessToken, consent: body };
  }

  type Mandate = Awaited<ReturnType<typeof authorisedMandate>>;

  /** An `OBDomesticVRPRequest` under the mandate: its Initiation and Risk repeated, an instruction of `amount` GBP. */
  function vrp(mandate: Mandate, amount: string, changes: { instructionIdentification?: string; data?: Record<string, unknown> } = {}) {
    const initiation = mandate.consent.Data.Initiation;
    return {
      Data: {
        ConsentId: mandate.consentId,
        PSUAuthenticationMethod: 'UK.OBIE.SCANotRequired',
        VRPType: 'UK.OBIE.VRPType.Sweeping',
        Initiation: structuredClone(initiation),
        Instruction: {
          InstructionIdentification: changes.instructionIdentification ?? randomUUID().replace(/-/g, '').slice(0, 30),
          EndToEndIdentification: 'E2E-SWEEP',
          InstructedAmount: { Amount: amount, Currency: 'GBP' },
          CreditorAccount: structuredClone(initiation.CreditorAccount),
          RemittanceInformation: structuredClone(initiation.RemittanceInformation),
        },
        ...changes.data,
      },
      Risk: structuredClone(mandate.consent.Risk),
    };
  }

  function pay(mandate: Mandate, body: unknown, idempotencyKey?: string): Promise<PisResponse> {
    return partner.signedPost(mandate.accessToken, VRPS, body, idempotencyKey ? { idempotencyKey } : {});
  }

  test('one authorisation, three £10 payments without the customer → 201 ACSC each, her savings credited £30, each readable with its details', async () => {
    const mandate = await authorisedMandate();
    const before = await bookedBalances(server.database.dataSource, ['acc_alice_current', 'acc_alice_savings']);
    const made: PisResponse[] = [];
    for (let index = 0; index < 3; index += 1) made.push(await pay(mandate, vrp(mandate, '10.00')));
    for (const response of made) {
      assert.equal(response.status, 201, JSON.stringify(response.body));
      assert.equal(response.body.Data.Status, 'ACSC');
      assert.equal(response.body.Data.ConsentId, mandate.consentId);
      assert.deepEqual(response.body.Data.Instruction.InstructedAmount, { Amount: '10.00', Currency: 'GBP' });
      assert.equal(response.body.Links.Self, `${server.issuer}${VRPS}/${response.body.Data.DomesticVRPId as string}`);
    }
    const after = await bookedBalances(server.database.dataSource, ['acc_alice_current', 'acc_alice_savings']);
    assert.equal(after.acc_alice_current, (before.acc_alice_current ?? 0n) - 3_000n);
    assert.equal(after.acc_alice_savings, (before.acc_alice_savings ?? 0n) + 3_000n);
    const id = made[0]?.body.Data.DomesticVRPId as string;
    const read = await partner.call(await partner.paymentsToken(), 'GET', `${VRPS}/${id}`);
    assert.equal(read.status, 200);
    assert.deepEqual(read.body.Data, made[0]?.body.Data);
    const details = await partner.call(await partner.paymentsToken(), 'GET', `${VRPS}/${id}/payment-details`);
    assert.equal(details.status, 200);
    assert.equal(details.body.Data.PaymentStatus[0].Status, 'ACSC');
    await assertLedgerInvariants(server.database.dataSource);
  });

  test('above MaximumIndividualAmount → 400 U014 naming it; the £50 of the week used up → the next payment 400 U014 naming the periodic limit, nothing moved', async () => {
    const mandate = await authorisedMandate();
    assertRefusal(await pay(mandate, vrp(mandate, '10.01')), 400, 'U014', 'Data.ControlParameters.MaximumIndividualAmount');
    for (let index = 0; index < 5; index += 1) assert.equal((await pay(mandate, vrp(mandate, '10.00'))).status, 201);
    const before = await bookedBalances(server.database.dataSource, ['acc_alice_current']);
    const refused = await pay(mandate, vrp(mandate, '0.01'));
    assertRefusal(refused, 400, 'U014', 'Data.ControlParameters.PeriodicLimits[0]');
    assert.match(refused.body.Errors[0].Message as string, /50\.00 GBP used, 0\.00 GBP left/);
    assert.deepEqual(await bookedBalances(server.database.dataSource, ['acc_alice_current']), before);
  });

  test('an Initiation or Risk that differs from the mandate → 400 U008; a VRPType, authentication or interaction it does not allow → 400 U014', async () => {
    const mandate = await authorisedMandate();
    const changed = vrp(mandate, '1.00');
    changed.Data.Initiation.RemittanceInformation = { Structured: [{ CreditorReferenceInformation: { Reference: 'ELSEWHERE' } }], Unstructured: [] };
    assertRefusal(
      await pay(mandate, changed),
      400,
      'U008',
      'Data.Initiation.RemittanceInformation.Structured[0].CreditorReferenceInformation.Reference',
    );
    assertRefusal(await pay(mandate, { ...vrp(mandate, '1.00'), Risk: {} }), 400, 'U008', 'Risk.PaymentContextCode');
    assertRefusal(
      await pay(mandate, vrp(mandate, '1.00', { data: { VRPType: 'UK.OBIE.VRPType.Other' } })),
      400,
      'U014',
      'Data.ControlParameters.VRPType',
    );
    assertRefusal(
      await pay(mandate, vrp(mandate, '1.00', { data: { PSUAuthenticationMethod: 'UK.OBIE.SCA' } })),
      400,
      'U014',
      'Data.ControlParameters.PSUAuthenticationMethods',
    );
    assertRefusal(
      await pay(mandate, vrp(mandate, '1.00', { data: { PSUInteractionType: 'InSession' } })),
      400,
      'U014',
      'Data.ControlParameters.PSUInteractionTypes',
    );
    const elsewhere = vrp(mandate, '1.00');
    elsewhere.Data.Instruction.CreditorAccount = { ...ACCOUNTS.bobCurrent };
    assertRefusal(await pay(mandate, elsewhere), 400, 'U008', 'Data.Instruction.CreditorAccount.Identification');
  });

  test('a replay never pays twice: the same key → the same payment; the same instruction under a new key → 409 U029; the same DPoP proof → 401', async () => {
    const mandate = await authorisedMandate();
    const body = vrp(mandate, '2.00', { instructionIdentification: 'INSTR-REPLAY-1' });
    const key = randomUUID();
    const first = await pay(mandate, body, key);
    assert.equal(first.status, 201);
    const again = await pay(mandate, body, key);
    assert.equal(again.status, 201);
    assert.equal(again.body.Data.DomesticVRPId, first.body.Data.DomesticVRPId);
    assertRefusal(await pay(mandate, body), 409, 'U029', 'Data.Instruction.InstructionIdentification');

    const sent: Array<{ url: string; headers: Headers; body: string }> = [];
    partner.config[client.customFetch] = async (input, init) => {
      sent.push({ url: String(input), headers: new Headers(init?.headers), body: typeof init?.body === 'string' ? init.body : '' });
      return fetch(input, init);
    };
    try {
      assert.equal((await pay(mandate, vrp(mandate, '2.00', { instructionIdentification: 'INSTR-REPLAY-2' }))).status, 201);
    } finally {
      delete partner.config[client.customFetch];
    }
    const captured = sent[0];
    assert.ok(captured);
    const headers = new Headers(captured.headers);
    headers.set('x-idempotency-key', randomUUID());
    const replay = await fetch(captured.url, { method: 'POST', headers, body: captured.body });
    assert.equal(replay.status, 401);
    const count = await server.database.dataSource.query<Array<{ n: unknown }>>('SELECT COUNT(*) AS n FROM payment WHERE consent_id = ?', [
      mandate.consentId,
    ]);
    assert.equal(Number(count[0]?.n), 2, 'two payments, each paid once');
  });

  test("a sweeping mandate whose payee at this bank is someone else's → the customer is told it is not theirs and cannot agree; a forged approval → 400, the same page, the consent still AWAU", async () => {
    const created = await partner.signedPost(
      await partner.paymentsToken(),
      VRP_CONSENTS,
      vrpConsentRequest({ initiation: { CreditorAccount: { ...ACCOUNTS.bobCurrent }, RemittanceInformation: undefined } }),
    );
    assert.equal(created.status, 201);
    const consentId = created.body.Data.ConsentId as string;
    const { page, browser } = await openPaymentPage(server, partner, consentId, { username: 'alice', approvable: false });
    assert.match(page.html, /the account they pay into is not one of yours, so you cannot agree to them/);
    assert.doesNotMatch(page.html, /Your own account|Money moves between your own accounts only/);
    assert.doesNotMatch(page.html, /value="approve"/);
    const form = readForm(page.html);
    const forged = await browser.follow(form.action, REDIRECT_URI, {
      form: { ...form.hidden, debtorAccount: 'acc_alice_current', decision: 'approve' },
    });
    assert.equal(forged.status, 400);
    assert.equal(forged.callback, undefined);
    assert.match(forged.html, /the account they pay into is not one of yours/);
    const read = await partner.call(await partner.paymentsToken(), 'GET', `${VRP_CONSENTS}/${consentId}`);
    assert.equal(read.body.Data.Status, 'AWAU');
  });

  test('a payee at another bank → 201 ACSP; settled by the scheme → ACSC, and a resource-update event for the VRP is written', async () => {
    const external = { SchemeName: 'UK.OBIE.SortCodeAccountNumber', Identification: '20000012345678', Name: 'Energy Co' };
    const mandate = await authorisedMandate(
      vrpConsentRequest({
        controlParameters: { VRPType: ['UK.OBIE.VRPType.Other'] },
        initiation: { CreditorAccount: external, RemittanceInformation: undefined },
      }),
    );
    const made = await pay(mandate, vrp(mandate, '7.50', { data: { VRPType: 'UK.OBIE.VRPType.Other' } }));
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.Data.Status, 'ACSP');
    const id = made.body.Data.DomesticVRPId as string;
    await server.instance.jobs.settlePayments(new Date(Date.now() + 3_600_000));
    const read = await partner.call(await partner.paymentsToken(), 'GET', `${VRPS}/${id}`);
    assert.equal(read.body.Data.Status, 'ACSC');
    const events = await server.database.dataSource.query<Array<{ resource_type: string; resource_id: string }>>(
      'SELECT resource_type, resource_id FROM event_notification WHERE client_id = ? AND resource_id = ?',
      [partner.clientId, id],
    );
    assert.deepEqual(events, [{ resource_type: 'domestic-vrp', resource_id: id }]);
    await assertLedgerInvariants(server.database.dataSource);
  });

  test('the partner deletes the mandate → its next payment 400 U009 (CANC); the payments made stay readable', async () => {
    const mandate = await authorisedMandate();
    const made = await pay(mandate, vrp(mandate, '1.00'));
    assert.equal(made.status, 201);
    assert.equal((await partner.call(await partner.paymentsToken(), 'DELETE', `${VRP_CONSENTS}/${mandate.consentId}`)).status, 204);
    const refused = await pay(mandate, vrp(mandate, '1.00'));
    assertRefusal(refused, 400, 'U009');
    assert.match(refused.body.Errors[0].Message as string, /status CANC/);
    const read = await partner.call(await partner.paymentsToken(), 'GET', `${VRPS}/${made.body.Data.DomesticVRPId as string}`);
    assert.equal(read.status, 200);
  });

  test("the customer's /account shows what the mandate used this week and its payments; Cancel → the partner's next payment 400 U009", async () => {
    const mandate = await authorisedMandate();
    for (const amount of ['10.00', '7.50']) assert.equal((await pay(mandate, vrp(mandate, amount))).status, 201);
    const browser = new CustomerBrowser(server.issuer);
    const form = await browser.follow('/account', 'never:');
    await browser.follow('/account/login', 'never:', {
      form: { csrf: csrfOf(form.html, '/account/login'), username: 'alice', password: 'alice-sandbox-1' },
    });
    const page = await browser.follow('/account', 'never:');
    assert.match(page.html, /£17\.50 of £50\.00 used from [^;]+; £32\.50 left/);
    assert.match(page.html, /<td>£7\.50<\/td><td>Paid on [^<]+<\/td>[\s\S]*<td>£10\.00<\/td>/, 'the payments, newest first');
    const cancelled = await browser.follow(`/account/mandates/${mandate.consentId}/cancel`, 'never:', {
      form: { csrf: csrfOf(page.html, '/account/logout') },
    });
    assert.equal(cancelled.status, 200);
    assertRefusal(await pay(mandate, vrp(mandate, '1.00')), 400, 'U009');
  });

  test('GET /domestic-vrps of an unknown id → 400 U011; a domestic payment id is not a VRP', async () => {
    assertRefusal(await partner.call(await partner.paymentsToken(), 'GET', `${VRPS}/pmt_unknown`), 400, 'U011');
  });
});
