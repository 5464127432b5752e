// A domestic scheduled payment through OpenTeller, as a partner (PISP) backend orders it, with openid-client 6 and jose:
//
//   1. discovery, private_key_jwt client authentication, one DPoP key for every request
//   2. client credentials grant (scope payments)
//   3. POST /domestic-scheduled-payment-consents, signed (x-jws-signature) and idempotent (x-idempotency-key), for a
//      RequestedExecutionDateTime EXECUTE_IN_SECONDS from now -> AWAU
//   4. pushed authorization request (scope "openid payments") naming the consent; prints the URL for the customer
//   5. catches the callback on REDIRECT_URI (or reads it pasted on stdin), exchanges the code (PKCE + DPoP)
//   6. POST /domestic-scheduled-payments with the customer token, signed and idempotent -> PDNG: nothing is paid yet
//   7. GET /domestic-scheduled-payments/{DomesticScheduledPaymentId} until the bank's scheduler has run it on its date
//      and it is final (ACSC or RJCT), then its payment-details
// Every response's x-jws-signature is verified with the bank's key from jwks_uri.
//
// If the bank refuses a request, the example prints its answer and what to check, and exits with 1. The consent asks
// the customer to approve within 10 minutes (Authorisation.CompletionDateTime): the consent of a run that fails midway
// ends (RJCT, U036) by then, and the example says what became of it.
//
// Environment:
//   ISSUER                OpenTeller issuer (default http://localhost:3000)
//   CLIENT_ID             the app's client id, from the portal or `npx openteller partner create ... --roles PISP` (required)
//   PARTNER_ID            the app's partner id (the portal shows the signing iss, PARTNER_ID/CLIENT_ID) (required)
//   PRIVATE_JWK_FILE      the app's private key for client authentication: a JWK, or a JWKS whose first key is
//                         used; needs "kid" (required)
//   SIGNING_JWK_FILE      the app's private RSA key for message signing (PS256); needs "kid" (required)
//   JWS_TRUST_ANCHOR      the bank's trust anchor (default: the issuer's host name, which is the bank's default)
//   BANK_ORGANISATION_ID  the iss of the bank's response signatures (default openteller)
//   REDIRECT_URI          one of the app's registered redirect URIs, exactly (default http://localhost:8080/callback)
//   EXECUTE_IN_SECONDS    when the payment is to be made, from now (default 120): RequestedExecutionDateTime
//   AMOUNT, CURRENCY      default 10.00 GBP
//   CREDITOR_ACCOUNT      sort code + account number (14 digits) or IBAN (default 99030141873205, Bob Patel's
//                         current account at the sandbox bank)
//   CREDITOR_NAME         default Bob Patel
//   REFERENCE             default RENT DECEMBER
//
// Run from the repository (openid-client and jose come from its node_modules):
//   CLIENT_ID=cli_... PARTNER_ID=ptn_... PRIVATE_JWK_FILE=private-jwk.json SIGNING_JWK_FILE=signing-private-jwk.json \
//     node partner-portal-docs/examples/scheduled-payment.mjs
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExampleFailure, exitOnFailure, onFailure } from './example-failures.mjs';
import { authorizeConsent, catchCallback, connectPaymentApp, statusReasons } from './example-support.mjs';

exitOnFailure();
const REDIRECT_URI = process.env.REDIRECT_URI ?? 'http://localhost:8080/callback';
const EXECUTE_IN_SECONDS = Number(process.env.EXECUTE_IN_SECONDS ?? '120');
const AMOUNT = process.env.AMOUNT ?? '10.00';
const CURRENCY = process.env.CURRENCY ?? 'GBP';
const CREDITOR_ACCOUNT = (process.env.CREDITOR_ACCOUNT ?? '99030141873205').replace(/\s+/g, '').toUpperCase();
const CREDITOR_NAME = process.env.CREDITOR_NAME ?? 'Bob Patel';
const REFERENCE = process.env.REFERENCE ?? 'RENT DECEMBER';
const AUTHORISATION_MINUTES = 10;
if (!(EXECUTE_IN_SECONDS > 0)) {
  console.error(`EXECUTE_IN_SECONDS must be a number of seconds above 0 (got "${process.env.EXECUTE_IN_SECONDS}"): the date must be in the future`);
  process.exit(2);
}

// --- 1. Discovery, client authentication, DPoP, keys -------------------------------------------------
// connectPaymentApp (example-support.mjs) reads ISSUER, CLIENT_ID, PARTNER_ID, the key files and the bank's signing
// settings, discovers the bank, and gives the DPoP key of the whole run and callApi, which signs each request body
// (x-jws-signature) and verifies the bank's signature on each response.
const app = await connectPaymentApp();
const { callApi } = app;
const API = `${app.issuer}/open-banking/v4.0/pisp`;
// Listen for the callback before anything is created: a port in use stops the run here.
const callback = await catchCallback(REDIRECT_URI);

// --- 2. Client credentials token ---------------------------------------------------------------------
const clientToken = await app.clientCredentials();
console.log(`Client credentials token (DPoP-bound), expires in ${clientToken.expires_in} s`);

// --- 3. Scheduled payment consent --------------------------------------------------------------------
// RequestedExecutionDateTime must be in the future (else 400 U003); the bank runs the payment at that moment.
const executeAt = new Date(Date.now() + EXECUTE_IN_SECONDS * 1000).toISOString();
const initiation = {
  InstructionIdentification: `SCHED-${Date.now()}`,
  EndToEndIdentification: `E2E-${Date.now()}`,
  RequestedExecutionDateTime: executeAt,
  InstructedAmount: { Amount: AMOUNT, Currency: CURRENCY },
  CreditorAccount: {
    SchemeName: /^\d{14}$/.test(CREDITOR_ACCOUNT) ? 'UK.OBIE.SortCodeAccountNumber' : 'UK.OBIE.IBAN',
    Identification: CREDITOR_ACCOUNT,
    Name: CREDITOR_NAME,
  },
  RemittanceInformation: { Unstructured: [REFERENCE] },
};
const risk = { PaymentContextCode: 'TransferToThirdParty' };
const authorisation = { AuthorisationType: 'Single', CompletionDateTime: new Date(Date.now() + AUTHORISATION_MINUTES * 60_000).toISOString() };
const consent = await callApi(clientToken.access_token, `${API}/domestic-scheduled-payment-consents`, 'POST', {
  body: { Data: { Permission: 'Create', Initiation: initiation, Authorisation: authorisation }, Risk: risk },
  idempotencyKey: randomUUID(),
});
const consentId = consent.Data.ConsentId;
console.log(`Consent ${consentId} created, status ${consent.Data.Status}, to pay ${AMOUNT} ${CURRENCY} at ${executeAt}`);
onFailure(async () => {
  const { access_token: token } = await app.clientCredentials();
  const { Data } = await callApi(token, `${API}/domestic-scheduled-payment-consents/${consentId}`, 'GET');
  const outcome = {
    AWAU: `nothing can be paid with it unless a customer approves it, and it ends (RJCT, U036) at ${authorisation.CompletionDateTime}`,
    AUTH: 'the customer approved it, but no payment was ordered with it: nothing will be paid',
    RJCT: 'it has ended; nothing will be paid',
    COND: 'a payment was ordered with it (above)',
  };
  console.error(`Consent ${consentId} is ${Data.Status}: ${outcome[Data.Status] ?? 'see scheduled-payments.md#statuses'}.`);
});

// --- 4 and 5. Pushed authorization request, callback and code exchange ---------------------------------
const tokens = await authorizeConsent(app, {
  consentId,
  redirectUri: REDIRECT_URI,
  callback,
  instructions: [
    'Open this URL in a browser within 60 seconds, log in as a sandbox customer (for example',
    'alice / alice-sandbox-1), check when the payment is made, choose the account to pay from and approve:',
  ].join('\n'),
});
console.log(`Customer access token (DPoP-bound), expires in ${tokens.expires_in} s, scope "${tokens.scope}"`);

// --- 6. The scheduled payment, with the customer token -------------------------------------------------
// Repeat the consent's Initiation and Risk exactly. Keep the idempotency key with the payment in your records before
// sending: if the answer is lost, send the same body with the same key again.
const ordered = await callApi(tokens.access_token, `${API}/domestic-scheduled-payments`, 'POST', {
  body: { Data: { ConsentId: consentId, Initiation: initiation }, Risk: risk },
  idempotencyKey: randomUUID(),
});
const paymentId = ordered.Data.DomesticScheduledPaymentId;
console.log(`\nScheduled payment ${paymentId}: status ${ordered.Data.Status}, expected at ${ordered.Data.ExpectedExecutionDateTime}`);

// --- 7. Status until final -------------------------------------------------------------------------------
// The bank's scheduler runs the payment at its RequestedExecutionDateTime; the app is told by a resource-update event
// (events.md). This example polls instead, every 2 seconds, for up to a minute after the date.
const giveUpAt = Date.parse(executeAt) + 60_000;
let current = ordered;
let seen = current.Data.Status;
while (['PDNG', 'ACSP'].includes(current.Data.Status) && Date.now() < giveUpAt) {
  await sleep(2_000);
  const { access_token: token } = await app.clientCredentials();
  current = await callApi(token, `${API}/domestic-scheduled-payments/${paymentId}`, 'GET');
  if (current.Data.Status !== seen) {
    seen = current.Data.Status;
    console.log(`GET /domestic-scheduled-payments/${paymentId}: status ${current.Data.Status}${statusReasons(current.Data)}`);
  }
}
if (['PDNG', 'ACSP'].includes(current.Data.Status)) {
  throw new ExampleFailure(
    `The payment is still ${current.Data.Status} a minute after its date.`,
    'Check that the bank runs its scheduler (every `openteller serve` process does) and settles payments to other banks.',
  );
}
const { access_token: token } = await app.clientCredentials();
const details = await callApi(token, `${API}/domestic-scheduled-payments/${paymentId}/payment-details`, 'GET');
const [status] = details.Data.PaymentStatus;
console.log(`Payment details: ${status.Status} via ${status.StatusDetail?.LocalInstrument ?? 'the scheme'} at ${status.StatusUpdateDateTime}`);
console.log(`The bank's x-jws-signature verified on all ${app.verifiedResponses} responses with a body`);
