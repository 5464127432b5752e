// A monthly standing order run through three payments in seconds, with a sandbox test clock of OpenTeller, as a partner
// (PISP) backend does it with openid-client 6 and jose:
//
//   1. discovery, private_key_jwt client authentication, one DPoP key for every request; client credentials (payments)
//   2. POST /sandbox/test-clocks -> a clock of the app, frozen at the bank's time now
//   3. POST /domestic-standing-order-consents: three monthly payments on day 15 (IntrvlMnthDay:01:15), the first on
//      the 15th of next month -> AWAU
//   4. POST /sandbox/test-clocks/{TestClockId}/consents: the consent's payments now run on the clock, and only there
//   5. the customer approves (pushed authorization request, callback, code exchange)
//   6. POST /domestic-standing-orders with the customer token -> PDNG: nothing is paid yet
//   7. three times: POST /sandbox/test-clocks/{TestClockId}/advance to an hour past the next payment's date; the bank
//      runs the payment as of that date; GET .../payment-details shows it
//   8. GET /domestic-standing-orders/{DomesticStandingOrderId} -> INCO; DELETE the clock (an app has at most 20)
// Every response's x-jws-signature is verified with the bank's key from jwks_uri. Test clocks exist only in the sandbox.
//
// Environment: as scheduled-payment.mjs (ISSUER, CLIENT_ID, PARTNER_ID, PRIVATE_JWK_FILE, SIGNING_JWK_FILE,
// JWS_TRUST_ANCHOR, BANK_ORGANISATION_ID, REDIRECT_URI, CURRENCY, CREDITOR_ACCOUNT, CREDITOR_NAME), and
//   AMOUNT      each payment's amount (default 25.00)
//   REFERENCE   default MONTHLY RENT
//
// Run from the repository (openid-client and jose come from its node_modules):
//   CLIENT_ID=cli_... PARTNER_ID=ptn_... PRIVATE_JWK_FILE=private-jwk.json SIGNING_JWK_FILE=signing-private-jwk.json \
//     node partner-portal-docs/examples/test-clock.mjs
import { randomUUID } from 'node:crypto';
import { ExampleFailure, exitOnFailure, onFailure } from './example-failures.mjs';
import { authorizeConsent, catchCallback, connectPaymentApp, statusReasons } from './example-support.mjs';

exitOnFailure();
const REDIRECT_URI = process.env.REDIRECT_URI ?? 'http://localhost:8080/callback';
const AMOUNT = process.env.AMOUNT ?? '25.00';
const CURRENCY = process.env.CURRENCY ?? 'GBP';
const CREDITOR_ACCOUNT = (process.env.CREDITOR_ACCOUNT ?? '99030141873205').replace(/\s+/g, '').toUpperCase();
const CREDITOR_NAME = process.env.CREDITOR_NAME ?? 'Bob Patel';
const REFERENCE = process.env.REFERENCE ?? 'MONTHLY RENT';
const PAYMENTS = 3;

// --- 1. Discovery, client authentication, DPoP, keys; client credentials ---------------------------------
const app = await connectPaymentApp();
const { callApi } = app;
const API = `${app.issuer}/open-banking/v4.0/pisp`;
const CLOCKS = `${app.issuer}/sandbox/test-clocks`;
const callback = await catchCallback(REDIRECT_URI);
const clientToken = await app.clientCredentials();

// --- 2. A test clock ---------------------------------------------------------------------------------------
// FrozenTime defaults to the bank's time now; it moves only when the app advances it.
const clock = await callApi(clientToken.access_token, CLOCKS, 'POST', { body: { Data: { Name: 'standing order example' } } });
const clockId = clock.Data.TestClockId;
console.log(`Test clock ${clockId} created, frozen at ${clock.Data.FrozenTime}`);
onFailure(async () => {
  const { access_token: token } = await app.clientCredentials();
  await callApi(token, `${CLOCKS}/${clockId}`, 'DELETE');
  console.error(`Test clock ${clockId} deleted: the payments still pending on it are cancelled.`);
});

// --- 3. The standing order consent ---------------------------------------------------------------------
// The first payment on the 15th of next month, at 09:00 UTC; then on the 15th of each month; three in all.
const now = new Date(clock.Data.FrozenTime);
const firstPaymentAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 15, 9));
const initiation = {
  NumberOfPayments: String(PAYMENTS),
  FirstPaymentAmount: { Amount: AMOUNT, Currency: CURRENCY },
  CreditorAccount: {
    SchemeName: /^\d{14}$/.test(CREDITOR_ACCOUNT) ? 'UK.OBIE.SortCodeAccountNumber' : 'UK.OBIE.IBAN',
    Identification: CREDITOR_ACCOUNT,
    Name: CREDITOR_NAME,
  },
  RemittanceInformation: { Unstructured: [REFERENCE] },
  MandateRelatedInformation: { FirstPaymentDateTime: firstPaymentAt.toISOString(), Frequency: { Type: 'IntrvlMnthDay:01:15' } },
};
const risk = { PaymentContextCode: 'TransferToThirdParty' };
const consent = await callApi(clientToken.access_token, `${API}/domestic-standing-order-consents`, 'POST', {
  body: { Data: { Permission: 'Create', Initiation: initiation }, Risk: risk },
  idempotencyKey: randomUUID(),
});
const consentId = consent.Data.ConsentId;
console.log(
  `Consent ${consentId} created, status ${consent.Data.Status}: ${PAYMENTS} payments of ${AMOUNT} ${CURRENCY}, monthly on day 15 from ${firstPaymentAt.toISOString()}`,
);

// --- 4. Attach it to the clock ----------------------------------------------------------------------------
// Before or after the customer approves it, as long as none of its payments has been made.
const attached = await callApi(clientToken.access_token, `${CLOCKS}/${clockId}/consents`, 'POST', { body: { Data: { ConsentId: consentId } } });
console.log(`Consent ${consentId} attached to ${clockId} (its consents: ${attached.Data.ConsentIds.join(', ')})`);

// --- 5. The customer approves ---------------------------------------------------------------------------------
const tokens = await authorizeConsent(app, {
  consentId,
  redirectUri: REDIRECT_URI,
  callback,
  instructions: [
    'Open this URL in a browser within 60 seconds, log in as a sandbox customer (for example',
    'alice / alice-sandbox-1), check the schedule, choose the account to pay from and approve:',
  ].join('\n'),
});

// --- 6. The standing order ---------------------------------------------------------------------------------------
const order = await callApi(tokens.access_token, `${API}/domestic-standing-orders`, 'POST', {
  body: { Data: { ConsentId: consentId, Initiation: initiation }, Risk: risk },
  idempotencyKey: randomUUID(),
});
const orderId = order.Data.DomesticStandingOrderId;
console.log(`\nStanding order ${orderId}: status ${order.Data.Status}`);

// --- 7. Advance the clock through each payment ----------------------------------------------------------------------
for (let month = 0; month < PAYMENTS; month += 1) {
  const { access_token: token } = await app.clientCredentials();
  const due = new Date(Date.UTC(firstPaymentAt.getUTCFullYear(), firstPaymentAt.getUTCMonth() + month, 15, 9));
  const to = new Date(due.getTime() + 3_600_000);
  const advanced = await callApi(token, `${CLOCKS}/${clockId}/advance`, 'POST', { body: { Data: { FrozenTime: to.toISOString() } } });
  console.log(`Advanced ${clockId} to ${advanced.Data.FrozenTime}: ${advanced.Data.Advance.PaymentsRun} payment(s) run`);
  const details = await callApi(token, `${API}/domestic-standing-orders/${orderId}/payment-details`, 'GET');
  // Newest first: the payment just run is the first one not pending.
  const made = details.Data.PaymentStatus.find((status) => status.Status !== 'PDNG');
  if (!made) throw new ExampleFailure(`No payment of ${orderId} was made by ${to.toISOString()}.`, 'See scheduled-payments.md#test-clocks.');
  const reason = made.StatusDetail.StatusReason ? ` (${made.StatusDetail.StatusReason}: ${made.StatusDetail.StatusReasonDescription})` : '';
  console.log(`Payment ${month + 1} of ${PAYMENTS}: ${made.Status}${reason}, ${AMOUNT} ${CURRENCY}, at ${made.StatusUpdateDateTime}`);
}

// --- 8. The standing order is complete; the clock is deleted -------------------------------------------------------------
const { access_token: token } = await app.clientCredentials();
const final = await callApi(token, `${API}/domestic-standing-orders/${orderId}`, 'GET');
console.log(`GET /domestic-standing-orders/${orderId}: status ${final.Data.Status}${statusReasons(final.Data)}`);
await callApi(token, `${CLOCKS}/${clockId}`, 'DELETE');
console.log(`Test clock ${clockId} deleted`);
console.log(`The bank's x-jws-signature verified on all ${app.verifiedResponses} responses with a body`);
