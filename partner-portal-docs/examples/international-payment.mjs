// An international payment through OpenTeller, as a partner (PISP) backend makes it, with openid-client 6 and jose:
//
//   1. discovery, private_key_jwt client authentication, one DPoP key for every request
//   2. client credentials grant (scope payments)
//   3. POST /international-payment-consents, signed and idempotent -> AWAU, with the bank's rate
//      (ExchangeRateInformation: an Actual rate with its ExpirationDateTime, or an Indicative one) and its Charges
//   4. pushed authorization request naming the consent; prints the URL for the customer; catches the callback and
//      exchanges the code (PKCE + DPoP)
//   5. GET /international-payment-consents/{ConsentId}/funds-confirmation with the customer token
//   6. POST /international-payments with the customer token: prints the rate applied, what the customer pays and
//      what the creditor receives, worked out by the bank's rounding rule (international-payments.md#rounding)
//   7. GET /international-payments/{InternationalPaymentId} until the payment is final (ACSC or RJCT)
// Every response's x-jws-signature is verified with the bank's key from jwks_uri.
//
// If the bank refuses a request, the example prints its answer and what to check, and exits with 1.
//
// Environment (as make-a-payment.mjs for ISSUER, CLIENT_ID, PARTNER_ID, PRIVATE_JWK_FILE, SIGNING_JWK_FILE,
// JWS_TRUST_ANCHOR, BANK_ORGANISATION_ID, REDIRECT_URI), and:
//   AMOUNT, CURRENCY      the InstructedAmount (default 100.00 GBP: the debit is fixed; give the CURRENCY_OF_TRANSFER
//                         to fix what the creditor receives instead)
//   CURRENCY_OF_TRANSFER  what the creditor receives (default USD)
//   ACCOUNT_CURRENCY      the currency of the account paid from, when CURRENCY is the CURRENCY_OF_TRANSFER (default GBP)
//   RATE_TYPE             Actual (default) or Indicative
//   CREDITOR_IBAN         default DE89370400440532013000 (a bank in Germany; the sandbox scheme settles it)
//   CREDITOR_NAME         default Hans Muster GmbH
//   REFERENCE             default INVOICE 2041
//
// Run from the repository (openid-client and jose come from its node_modules):
//   CLIENT_ID=cli_... PARTNER_ID=ptn_... PRIVATE_JWK_FILE=private-jwk.json SIGNING_JWK_FILE=signing-private-jwk.json \
//     node partner-portal-docs/examples/international-payment.mjs
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { exitOnFailure } from './example-failures.mjs';
import { authorizeConsent, catchCallback, connectPaymentApp, statusReasons } from './example-support.mjs';

exitOnFailure();
const REDIRECT_URI = process.env.REDIRECT_URI ?? 'http://localhost:8080/callback';
const AMOUNT = process.env.AMOUNT ?? '100.00';
const CURRENCY = process.env.CURRENCY ?? 'GBP';
const CURRENCY_OF_TRANSFER = process.env.CURRENCY_OF_TRANSFER ?? 'USD';
const ACCOUNT_CURRENCY = process.env.ACCOUNT_CURRENCY ?? 'GBP';
const RATE_TYPE = process.env.RATE_TYPE ?? 'Actual';
const CREDITOR_IBAN = (process.env.CREDITOR_IBAN ?? 'DE89370400440532013000').replace(/\s+/g, '').toUpperCase();
const CREDITOR_NAME = process.env.CREDITOR_NAME ?? 'Hans Muster GmbH';
const REFERENCE = process.env.REFERENCE ?? 'INVOICE 2041';
/** ISO 4217 minor units of the currencies the bank exchanges. */
const DECIMALS = { GBP: 2, EUR: 2, USD: 2, CHF: 2, JPY: 0 };

// --- 1 and 2. Discovery, keys, client credentials ------------------------------------------------------
const app = await connectPaymentApp();
const { callApi } = app;
const API = `${app.issuer}/open-banking/v4.0/pisp`;
const callback = await catchCallback(REDIRECT_URI);
let clientToken = await app.clientCredentials();

// --- 3. The consent: the bank quotes its rate ----------------------------------------------------------
// The account paid from is held in CURRENCY when it differs from CURRENCY_OF_TRANSFER, else in UnitCurrency.
const unitCurrency = CURRENCY === CURRENCY_OF_TRANSFER ? ACCOUNT_CURRENCY : CURRENCY;
const initiation = {
  InstructionIdentification: `INTL-${Date.now()}`,
  EndToEndIdentification: `E2E-${Date.now()}`,
  CurrencyOfTransfer: CURRENCY_OF_TRANSFER,
  InstructedAmount: { Amount: AMOUNT, Currency: CURRENCY },
  ExchangeRateInformation: { UnitCurrency: unitCurrency, RateType: RATE_TYPE },
  CreditorAccount: { SchemeName: 'UK.OBIE.IBAN', Identification: CREDITOR_IBAN, Name: CREDITOR_NAME },
  RemittanceInformation: { Unstructured: [REFERENCE] },
};
const risk = { PaymentContextCode: 'BillingGoodsAndServicesInAdvance' };
const consent = await callApi(clientToken.access_token, `${API}/international-payment-consents`, 'POST', {
  body: { Data: { Initiation: initiation }, Risk: risk },
  idempotencyKey: randomUUID(),
});
const consentId = consent.Data.ConsentId;
const quoted = consent.Data.ExchangeRateInformation;
const expiry = quoted.ExpirationDateTime ? `, holds until ${quoted.ExpirationDateTime}` : ', applied at the rate of the moment the payment is made';
console.log(`Consent ${consentId} created, status ${consent.Data.Status}`);
console.log(`  ${quoted.RateType} rate: 1 ${quoted.UnitCurrency} = ${quoted.ExchangeRate} ${CURRENCY_OF_TRANSFER}${expiry}`);
console.log(
  `  Charges: ${consent.Data.Charges?.map((charge) => `${charge.Amount.Amount} ${charge.Amount.Currency} (${charge.Type})`).join(', ') ?? 'none'}`,
);
console.log(`  Cut-off: ${consent.Data.CutOffDateTime}`);

// --- 4. The customer approves ------------------------------------------------------------------------
const tokens = await authorizeConsent(app, {
  consentId,
  redirectUri: REDIRECT_URI,
  callback,
  instructions: [
    'Open this URL in a browser within 60 seconds, log in as a sandbox customer (for example',
    `alice / alice-sandbox-1), choose the ${unitCurrency} account to pay from and approve. If the bank asks`,
    'for a one-time code, the sandbox shows it on the page:',
  ].join('\n'),
});

// --- 5. Funds confirmation -----------------------------------------------------------------------------
const funds = await callApi(tokens.access_token, `${API}/international-payment-consents/${consentId}/funds-confirmation`, 'GET');
console.log(`Funds available: ${funds.Data.FundsAvailableResult.FundsAvailable}`);

// --- 6. The payment ------------------------------------------------------------------------------------
const payment = await callApi(tokens.access_token, `${API}/international-payments`, 'POST', {
  body: { Data: { ConsentId: consentId, Initiation: initiation }, Risk: risk },
  idempotencyKey: randomUUID(),
});
const paymentId = payment.Data.InternationalPaymentId;
const applied = payment.Data.ExchangeRateInformation;
const { debit, credit } = amountsAt(applied.ExchangeRate);
console.log(`\nPayment ${paymentId}: status ${payment.Data.Status}${statusReasons(payment.Data)}`);
console.log(`  Rate applied: 1 ${applied.UnitCurrency} = ${applied.ExchangeRate} ${CURRENCY_OF_TRANSFER}`);
console.log(`  The customer pays ${debit} ${unitCurrency} (plus charges); the creditor receives ${credit} ${CURRENCY_OF_TRANSFER}`);
console.log(`  Expected settlement: ${payment.Data.ExpectedSettlementDateTime}`);

// --- 7. Status until final -------------------------------------------------------------------------------
clientToken = await app.clientCredentials();
let current = payment;
for (let attempt = 0; current.Data.Status === 'ACSP' && attempt < 30; attempt += 1) {
  await sleep(2_000);
  current = await callApi(clientToken.access_token, `${API}/international-payments/${paymentId}`, 'GET');
}
console.log(`GET /international-payments/${paymentId}: status ${current.Data.Status}${statusReasons(current.Data)}`);

/**
 * The amounts at a rate, as the bank works them out (exact decimals, no floating point): an amount fixed in the
 * account's currency pays out `amount × rate` rounded down; one fixed in the transfer's currency costs `amount / rate`
 * rounded up — each to the minor unit of its currency.
 */
function amountsAt(rate) {
  const [whole, fraction = ''] = String(rate).split('.');
  const rateScaled = BigInt(whole + fraction.padEnd(8, '0').slice(0, 8)); // the rate × 10^8
  const scale = (currency) => 10n ** BigInt(DECIMALS[currency]);
  const minor = (amount, currency) => (BigInt(amount.replace('.', '')) * scale(currency)) / 10n ** BigInt(amount.split('.')[1]?.length ?? 0);
  const text = (value, currency) =>
    DECIMALS[currency] === 0 ? String(value) : `${value / scale(currency)}.${String(value % scale(currency)).padStart(DECIMALS[currency], '0')}`;
  const instructed = minor(AMOUNT, CURRENCY);
  if (CURRENCY !== CURRENCY_OF_TRANSFER) {
    const creditMinor = (instructed * rateScaled * scale(CURRENCY_OF_TRANSFER)) / (100_000_000n * scale(unitCurrency));
    return { debit: AMOUNT, credit: text(creditMinor, CURRENCY_OF_TRANSFER) };
  }
  const numerator = instructed * 100_000_000n * scale(unitCurrency);
  const denominator = rateScaled * scale(CURRENCY_OF_TRANSFER);
  return { debit: text((numerator + denominator - 1n) / denominator, unitCurrency), credit: AMOUNT };
}
