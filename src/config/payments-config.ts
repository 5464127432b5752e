import { DEFAULT_FEE_SCHEDULE, parseFeeSchedule, type FeeSchedule } from '../domain/payments/charges.js';
import { DomainError } from '../domain/errors.js';
import { parseAmount } from '../domain/money.js';
import { LOCAL_INSTRUMENTS } from '../domain/payments/payment-instruction.js';
import { INTERNATIONAL_LOCAL_INSTRUMENT } from '../domain/payments/international/international-instruction.js';
import { DEFAULT_RISK_POLICY, parseVelocity, type RiskPolicy } from '../domain/payments/risk-policy.js';
import { ConfigError } from './config-error.js';

/** How payments behave: limits, step-up, fees, settlement and message signing. */
export interface PaymentsConfig {
  readonly risk: RiskPolicy;
  readonly fees: FeeSchedule;
  /** How long the sandbox scheme takes to settle a payment to another bank. */
  readonly settlementDelayMs: number;
  /** The trust anchor (`http://openbanking.org.uk/tan`) of partners' and the bank's message signatures. */
  readonly trustAnchor: string;
  /** The bank's organisation id: `http://openbanking.org.uk/iss` of its response signatures. */
  readonly bankOrganisationId: string;
}

/**
 * Reads the payment settings (README "Configuration"). Amounts are decimal strings in the payment's currency
 * units (GBP and EUR both have two decimals).
 * @throws ConfigError naming the offending variable.
 */
export function loadPaymentsConfig(env: NodeJS.ProcessEnv, issuer: string): PaymentsConfig {
  const risk: RiskPolicy = {
    maxPaymentMinor: amount(env, 'PAYMENT_MAX_AMOUNT', DEFAULT_RISK_POLICY.maxPaymentMinor),
    dailyLimitMinor: amount(env, 'PAYMENT_DAILY_LIMIT', DEFAULT_RISK_POLICY.dailyLimitMinor),
    customerVelocity: velocity(env, 'PAYMENT_CUSTOMER_VELOCITY', DEFAULT_RISK_POLICY.customerVelocity),
    partnerVelocity: velocity(env, 'PAYMENT_PARTNER_VELOCITY', DEFAULT_RISK_POLICY.partnerVelocity),
    stepUpFromMinor: amount(env, 'PAYMENT_STEP_UP_AMOUNT', DEFAULT_RISK_POLICY.stepUpFromMinor),
  };
  return {
    risk,
    fees: feeSchedule(env.PAYMENT_FEE_SCHEDULE),
    settlementDelayMs: settlementDelay(env.SETTLEMENT_DELAY_SECONDS),
    trustAnchor: env.JWS_TRUST_ANCHOR?.trim() || new URL(issuer).hostname,
    bankOrganisationId: env.BANK_ORGANISATION_ID?.trim() || 'openteller',
  };
}

function guarded<T>(variable: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof DomainError) throw new ConfigError(variable, error.message);
    throw error;
  }
}

function amount(env: NodeJS.ProcessEnv, variable: string, fallback: bigint): bigint {
  const value = env[variable]?.trim();
  return value ? guarded(variable, () => parseAmount(value, 'GBP')) : fallback;
}

function velocity(env: NodeJS.ProcessEnv, variable: string, fallback: RiskPolicy['customerVelocity']): RiskPolicy['customerVelocity'] {
  const value = env[variable]?.trim();
  return value ? guarded(variable, () => parseVelocity(value)) : fallback;
}

function feeSchedule(value: string | undefined): FeeSchedule {
  if (!value?.trim()) return DEFAULT_FEE_SCHEDULE;
  // International payments (UK.OBIE.SWIFT) are charged in the account's currency; GBP and EUR have the same decimals.
  const currencyOf = (instrument: string) =>
    instrument === INTERNATIONAL_LOCAL_INSTRUMENT
      ? 'GBP'
      : Object.entries(LOCAL_INSTRUMENTS).find(([, instruments]) => instruments.includes(instrument))?.[0];
  return guarded('PAYMENT_FEE_SCHEDULE', () => parseFeeSchedule(value, currencyOf));
}

function settlementDelay(value: string | undefined): number {
  if (!value?.trim()) return 10_000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 86_400)
    throw new ConfigError('SETTLEMENT_DELAY_SECONDS', 'must be a number of seconds from 0 to 86400');
  return Math.round(seconds * 1000);
}
