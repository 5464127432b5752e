import { InvalidField } from '../errors.js';

/** The 21 account-access permission codes of OBIE v4 (NOTES §5.1). */
export const ACCOUNT_PERMISSIONS = [
  'ReadAccountsBasic',
  'ReadAccountsDetail',
  'ReadBalances',
  'ReadBeneficiariesBasic',
  'ReadBeneficiariesDetail',
  'ReadDirectDebits',
  'ReadOffers',
  'ReadPAN',
  'ReadParty',
  'ReadPartyPSU',
  'ReadProducts',
  'ReadScheduledPaymentsBasic',
  'ReadScheduledPaymentsDetail',
  'ReadStandingOrdersBasic',
  'ReadStandingOrdersDetail',
  'ReadStatementsBasic',
  'ReadStatementsDetail',
  'ReadTransactionsBasic',
  'ReadTransactionsCredits',
  'ReadTransactionsDebits',
  'ReadTransactionsDetail',
] as const;

export type AccountPermission = (typeof ACCOUNT_PERMISSIONS)[number];

const PATH = 'Data.Permissions';

/**
 * Checks a requested permission set against the OBIE rules and returns it de-duplicated, in canonical order.
 * @throws InvalidField (path `Data.Permissions`) when the set is empty, holds an unknown code, lacks an
 *   accounts permission, or combines transaction permissions inconsistently.
 */
export function validateAccountPermissions(requested: readonly string[]): AccountPermission[] {
  if (requested.length === 0) throw new InvalidField('Permissions must not be empty', PATH);
  const unknown = requested.filter((code) => !(ACCOUNT_PERMISSIONS as readonly string[]).includes(code));
  if (unknown.length > 0) throw new InvalidField(`Unsupported permission ${unknown.join(', ')}`, PATH);
  const granted = new Set(requested);
  if (!granted.has('ReadAccountsBasic') && !granted.has('ReadAccountsDetail')) {
    throw new InvalidField('Permissions must include ReadAccountsBasic or ReadAccountsDetail', PATH);
  }
  const transactionLevel = granted.has('ReadTransactionsBasic') || granted.has('ReadTransactionsDetail');
  const transactionDirection = granted.has('ReadTransactionsCredits') || granted.has('ReadTransactionsDebits');
  if (transactionLevel && !transactionDirection) {
    throw new InvalidField('ReadTransactionsBasic or ReadTransactionsDetail requires ReadTransactionsCredits or ReadTransactionsDebits', PATH);
  }
  if (transactionDirection && !transactionLevel) {
    throw new InvalidField('ReadTransactionsCredits or ReadTransactionsDebits requires ReadTransactionsBasic or ReadTransactionsDetail', PATH);
  }
  return ACCOUNT_PERMISSIONS.filter((code) => granted.has(code));
}

/** What a consent lets the partner see beyond the basic fields (NOTES §5.1). */
export interface ConsentVisibility {
  /** `ReadAccountsDetail`: account identifications. */
  readonly accountDetail: boolean;
  /** `ReadTransactionsDetail`: information, balance, merchant, card and counterparty of transactions. */
  readonly transactionDetail: boolean;
  /** `ReadPAN`: card numbers in clear; without it they are masked. */
  readonly pan: boolean;
}

/** The visibility a set of granted permissions gives. */
export function visibilityOf(permissions: readonly AccountPermission[]): ConsentVisibility {
  return {
    accountDetail: permissions.includes('ReadAccountsDetail'),
    transactionDetail: permissions.includes('ReadTransactionsDetail'),
    pan: permissions.includes('ReadPAN'),
  };
}
