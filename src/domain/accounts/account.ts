/** An identification of an account in a payment scheme (OBIE `Account[]` item). */
export interface AccountIdentification {
  /** OBIE scheme, e.g. `UK.OBIE.SortCodeAccountNumber` (14 digits: sort code + account number) or `UK.OBIE.IBAN`. */
  readonly schemeName: string;
  readonly identification: string;
  /** Name of the account holder as the scheme knows it. */
  readonly name: string | null;
  readonly secondaryIdentification: string | null;
}

/** Who holds an account: a customer, or the bank itself (clearing and fee-income accounts). */
export type AccountHolder =
  { readonly kind: 'customer'; readonly customerId: string } | { readonly kind: 'bank'; readonly purpose: BankAccountPurpose };

/**
 * Internal accounts of the bank that the ledger posts to. An `fx-position` account per currency is where conversions
 * pass: the bank buys one currency into its position and sells another out of its position, so each currency's
 * entries still sum to zero.
 */
export type BankAccountPurpose = 'clearing' | 'fee-income' | 'external-funding' | 'fx-position';

/** This bank's sort code: every GBP account it holds is identified as this + an 8-digit account number. */
export const BANK_SORT_CODE = '990301';

/** This bank's code inside its IBANs: `GBkk OTBK 990301 nnnnnnnn`. */
export const BANK_CODE = 'OTBK';

/** The id of the bank's own account for a purpose and currency, e.g. `acc_bank_gbp_fee_income`. */
export function bankAccountId(currency: string, purpose: BankAccountPurpose): string {
  return `acc_bank_${currency.toLowerCase()}_${purpose.replaceAll('-', '_')}`;
}

/** An account held at this bank. Balances are derived from the ledger (`balanceMinor` = sum of booked entries). */
export interface Account {
  /** OBIE `AccountId`: `acc_…`, immutable and meaningless to the customer. */
  readonly id: string;
  readonly holder: AccountHolder;
  readonly currency: string;
  /** OBIE v4 `AccountCategory` (v3.1 `AccountType`). */
  readonly accountType: 'Personal' | 'Business';
  /** OBIE v4 `AccountTypeCode` (v3.1 `AccountSubType`), e.g. `CACC` current account, `SVGS` savings. */
  readonly accountSubType: string;
  readonly nickname: string | null;
  readonly description: string | null;
  /** `YYYY-MM-DD`. */
  readonly openingDate: string;
  readonly status: 'Enabled' | 'Disabled' | 'Deleted' | 'Pending' | 'ProForma';
  /** How far below zero the booked balance may go (0 = no overdraft). */
  readonly overdraftLimitMinor: bigint;
  readonly identifications: readonly AccountIdentification[];
}

/** Read access to accounts, implemented by persistence. */
export interface AccountStore {
  /** The customer's own accounts, in a stable order (opening date, then id). */
  listByCustomer(customerId: string): Promise<Account[]>;
  /** The accounts with these ids, in the order given; unknown ids are left out. */
  listByIds(ids: readonly string[]): Promise<Account[]>;
  /** The account at this bank with this scheme identification (sort code + number, IBAN), if any. */
  findByIdentification(schemeName: string, identification: string): Promise<Account | null>;
}

/** Masks an identification for display to the customer: only its last four characters remain. */
export function maskIdentification(identification: string): string {
  return identification.length <= 4 ? identification : `••${identification.slice(-4)}`;
}

/** OBIE account scheme of a UK sort code (6 digits) + account number (8 digits). */
export const SORT_CODE_SCHEME = 'UK.OBIE.SortCodeAccountNumber';

/** OBIE account scheme of an IBAN (ISO 13616). */
export const IBAN_SCHEME = 'UK.OBIE.IBAN';

/** OBIE scheme of a card number; such identifications are masked unless the consent has `ReadPAN`. */
export const PAN_SCHEME = 'UK.OBIE.PAN';

/** A card number as partners without `ReadPAN` see it: first six and last four digits (NOTES §5.1). */
export function maskPan(pan: string): string {
  return pan.length <= 10 ? pan : `${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}`;
}

/** The account's main scheme identification (sort code + number, IBAN), never its card number. */
export function primaryIdentification(account: Account): AccountIdentification | undefined {
  return account.identifications.find((identification) => identification.schemeName !== PAN_SCHEME);
}

/** The account's debit card number, if it has a card. */
export function cardNumber(account: Account): string | undefined {
  return account.identifications.find((identification) => identification.schemeName === PAN_SCHEME)?.identification;
}

/** The accounts a customer may share under a consent: their own, enabled accounts. */
export function shareableAccounts(accounts: readonly Account[]): Account[] {
  return accounts.filter((account) => account.status === 'Enabled' && account.holder.kind === 'customer');
}
