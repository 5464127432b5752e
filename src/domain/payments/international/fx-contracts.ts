import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidField } from '../../errors.js';
import { formatExchangeRate, parseExchangeRate, sameExchangeRate, type ExchangeRate } from '../../fx/exchange-rate.js';
import { customerRate, quotesCurrency, type RateTable } from '../../fx/rate-table.js';
import { LOCAL_INSTRUMENTS } from '../payment-instruction.js';
import type { FxContractVerifier } from './exchange-quote.js';

/** What an FX contract fixes: the partner it was agreed with, the rate (currencies included) and until when it holds. */
export interface FxContractTerms {
  readonly clientId: string;
  readonly rate: ExchangeRate;
  readonly expiresAt: Date;
}

const PREFIX = 'FXC';

/** What the bank's FX contract secret is derived for, from its key material (the same on every process). */
export const FX_CONTRACT_SECRET_PURPOSE = 'fx-contract';
const PATH = 'Data.Initiation.ExchangeRateInformation.ContractIdentification';

/**
 * Issues an FX contract (the bank's treasury agrees a rate with a partner): its `ContractIdentification` carries the
 * terms and an HMAC of them under the bank's secret — `FXC.GBP.USD.125000000.1767225600.<mac>` (rate times 10^8, expiry
 * in Unix seconds) — so any process can check it without a lookup, and nobody without the secret can make or alter one.
 */
export function issueFxContract(secret: Uint8Array, terms: FxContractTerms): string {
  const body = [
    PREFIX,
    terms.rate.unitCurrency,
    terms.rate.targetCurrency,
    terms.rate.scaled.toString(),
    Math.floor(terms.expiresAt.getTime() / 1000),
  ].join('.');
  return `${body}.${mac(secret, terms.clientId, body).toString('base64url')}`;
}

/**
 * Checks `Agreed` rates against the contracts {@link issueFxContract} issued with the same secret: the contract must be
 * well-formed and authentic, the partner's, not expired, and for exactly the rate and currencies the partner sends.
 */
export function fxContractVerifier(secret: Uint8Array): FxContractVerifier {
  return {
    assertAgreed(clientId: string, contractIdentification: string, rate: ExchangeRate, now: Date): void {
      const parts = contractIdentification.split('.');
      const [prefix, unitCurrency, targetCurrency, scaled, expiresAtSeconds, signature] = parts;
      const body = parts.slice(0, 5).join('.');
      const expected = mac(secret, clientId, body);
      const given = Buffer.from(signature ?? '', 'base64url');
      if (parts.length !== 6 || prefix !== PREFIX || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new InvalidField('ContractIdentification is not an FX contract this bank issued to this partner', PATH);
      }
      if (Number(expiresAtSeconds) * 1000 <= now.getTime()) throw new InvalidField(`FX contract ${contractIdentification} has expired`, PATH);
      const agreed: ExchangeRate = { unitCurrency: unitCurrency ?? '', targetCurrency: targetCurrency ?? '', scaled: BigInt(scaled ?? '0') };
      if (!sameExchangeRate(agreed, rate)) {
        throw new InvalidField(
          `The contract agreed 1 ${agreed.unitCurrency} = ${formatExchangeRate(agreed)} ${agreed.targetCurrency}, not 1 ${rate.unitCurrency} = ${formatExchangeRate(rate)} ${rate.targetCurrency}`,
          'Data.Initiation.ExchangeRateInformation.ExchangeRate',
        );
      }
    },
  };
}

/** An FX contract as issued: its `ContractIdentification` and what it fixes. */
export interface FxContract extends FxContractTerms {
  readonly contractIdentification: string;
}

/** The longest an FX contract may run. */
const MAX_CONTRACT_DAYS = 365;

/**
 * Agrees an FX contract with a partner (`openteller fx-contract issue`): at `agreedRate`, or else at the bank's customer
 * rate now, for `days` days. The unit currency is the currency of the accounts the partner's customers pay from (GBP or
 * EUR), the target one the bank exchanges; a payment under the contract must send exactly this rate.
 * @throws InvalidField for currencies the bank does not exchange this way, or a term outside 1 to 365 days.
 */
export function agreeFxContract(
  secret: Uint8Array,
  table: RateTable,
  request: { clientId: string; unitCurrency: string; targetCurrency: string; agreedRate: string | null; days: number },
  now: Date,
): FxContract {
  const { clientId, unitCurrency, targetCurrency, agreedRate, days } = request;
  if (!LOCAL_INSTRUMENTS[unitCurrency])
    throw new InvalidField(`Customers hold no accounts in ${unitCurrency}; use ${Object.keys(LOCAL_INSTRUMENTS).join(' or ')}`);
  if (unitCurrency === targetCurrency || !quotesCurrency(table, targetCurrency)) {
    throw new InvalidField(`The bank does not exchange ${unitCurrency} for ${targetCurrency}`);
  }
  if (!Number.isInteger(days) || days < 1 || days > MAX_CONTRACT_DAYS) throw new InvalidField(`A contract runs from 1 to ${MAX_CONTRACT_DAYS} days`);
  const rate = agreedRate === null ? customerRate(table, unitCurrency, targetCurrency) : parseExchangeRate(agreedRate, unitCurrency, targetCurrency);
  const expiresAtSeconds = Math.floor((now.getTime() + days * 24 * 3600 * 1000) / 1000);
  const terms: FxContractTerms = { clientId, rate, expiresAt: new Date(expiresAtSeconds * 1000) };
  return { ...terms, contractIdentification: issueFxContract(secret, terms) };
}

function mac(secret: Uint8Array, clientId: string, body: string): Buffer {
  return createHmac('sha256', secret)
    .update(JSON.stringify([clientId, body]))
    .digest();
}
