import {
  BANK_CODE,
  BANK_SORT_CODE,
  bankAccountId,
  IBAN_SCHEME,
  PAN_SCHEME,
  SORT_CODE_SCHEME,
  type Account,
  type AccountIdentification,
  type BankAccountPurpose,
} from '../domain/accounts/account.js';
import { ibanMod97 } from '../domain/accounts/iban.js';
import { EXCHANGED_CURRENCIES } from '../domain/fx/rate-table.js';
import { DAY_MS } from './calendar.js';
import { BANK_NAME } from './sandbox-bank.js';
import { CUSTOMERS } from './sandbox-customers.js';

/** The sandbox bank's own sort code: every GBP account it holds is identified as this + an 8-digit number. */
export const SANDBOX_SORT_CODE = BANK_SORT_CODE;

/** `GB` IBAN check digits by ISO 13616 mod 97 over the BBAN with the country code and `00` moved to the end. */
function gbIban(accountNumber: string): string {
  const bban = `${BANK_CODE}${SANDBOX_SORT_CODE}${accountNumber}`;
  return `GB${String(98 - ibanMod97(`${bban}GB00`)).padStart(2, '0')}${bban}`;
}

function identification(currency: string, accountNumber: string, name: string): AccountIdentification {
  const [schemeName, value] = currency === 'EUR' ? [IBAN_SCHEME, gbIban(accountNumber)] : [SORT_CODE_SCHEME, `${SANDBOX_SORT_CODE}${accountNumber}`];
  return { schemeName, identification: value, name, secondaryIdentification: null };
}

/** The debit card of a current account: a Luhn-valid test PAN (`UK.OBIE.PAN`), shown masked without ReadPAN. */
function debitCard(accountNumber: string, name: string): AccountIdentification {
  const body = `4658580${accountNumber}`;
  return { schemeName: PAN_SCHEME, identification: `${body}${luhnCheckDigit(body)}`, name, secondaryIdentification: null };
}

function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The id of a customer's account: `acc_<customer key>_<suffix>`. */
export function customerAccountId(customerKey: string, suffix: string): string {
  return `acc_${customerKey}_${suffix}`;
}

/** The currencies customers hold accounts in (and the bank takes fees in). */
const ACCOUNT_CURRENCIES: readonly string[] = ['GBP', 'EUR'];

/**
 * The accounts of the sandbox bank: every customer's (identified by the bank's sort code and a number, or a GB
 * IBAN for EUR; current accounts also by a debit card), then the bank's own per currency it exchanges (external
 * funding, clearing and FX position; fee income in the currencies customers hold). Opening dates count back from the
 * window start.
 */
export function buildAccounts(windowStart: number): Account[] {
  const customerAccounts = CUSTOMERS.flatMap((customer) =>
    customer.accounts.map((plan): Account => ({
      id: customerAccountId(customer.key, plan.suffix),
      holder: { kind: 'customer', customerId: `cus_sandbox_${customer.key}` },
      currency: plan.currency,
      accountType: plan.accountType,
      accountSubType: plan.subType,
      nickname: plan.nickname,
      description: plan.description,
      openingDate: isoDate(windowStart - plan.openedDaysEarlier * DAY_MS),
      status: 'Enabled',
      overdraftLimitMinor: plan.overdraftMinor,
      identifications: [
        identification(plan.currency, plan.accountNumber, customer.displayName),
        ...(plan.subType === 'CACC' ? [debitCard(plan.accountNumber, customer.displayName)] : []),
      ],
    })),
  );
  return [...customerAccounts, ...buildBankAccounts(windowStart)];
}

/**
 * The bank's own accounts, per currency it exchanges: external funding, clearing and FX position, and fee income in the
 * currencies customers hold. Opening dates count back from the window start.
 */
export function buildBankAccounts(windowStart: number): Account[] {
  const purposes: readonly BankAccountPurpose[] = ['external-funding', 'clearing', 'fee-income', 'fx-position'];
  return EXCHANGED_CURRENCIES.flatMap((currency, currencyIndex) =>
    purposes
      .map((purpose, purposeIndex) => ({ purpose, purposeIndex }))
      .filter(({ purpose }) => purpose !== 'fee-income' || ACCOUNT_CURRENCIES.includes(currency))
      .map(({ purpose, purposeIndex }): Account => ({
        id: bankAccountId(currency, purpose),
        holder: { kind: 'bank', purpose },
        currency,
        accountType: 'Business',
        accountSubType: 'CACC',
        nickname: null,
        description: purpose === 'external-funding' ? `${currency} external counterparties` : `${currency} ${purpose}`,
        openingDate: isoDate(windowStart - 5_000 * DAY_MS),
        status: 'Enabled',
        overdraftLimitMinor: 0n,
        identifications: [identification(currency, `900000${currencyIndex}${purposeIndex + 1}`, BANK_NAME)],
      })),
  );
}
