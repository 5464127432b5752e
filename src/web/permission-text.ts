/**
 * Plain-English wording of UK Open Banking account-access permission codes, for the consent page.
 *
 * Related codes are grouped so the customer reads a short list: a Basic/Detail pair becomes one item worded for the
 * highest level present, the four `ReadTransactions*` codes become one item, and `ReadParty`/`ReadPartyPSU` one
 * more. Items come out in a fixed order (accounts, balances, transactions, then the rest) whatever the order of
 * the codes; duplicate and unknown codes are ignored.
 */

export interface PermissionText {
  title: string;
  description: string;
}

type Describe = (has: (code: string) => boolean) => PermissionText | null;

/** A Basic/Detail pair: the Detail wording wins when both are present. */
function pair(basic: string, detail: string, title: string, basicText: string, detailText: string): Describe {
  return (has) => {
    if (has(detail)) return { title, description: detailText };
    if (has(basic)) return { title, description: basicText };
    return null;
  };
}

/** A single code. */
function single(code: string, title: string, description: string): Describe {
  return (has) => (has(code) ? { title, description } : null);
}

/**
 * `ReadTransactionsBasic`/`Detail` give the level and `Credits`/`Debits` the direction. Open Banking needs one of
 * each, but the server's validation is not this file's job: if a half is missing we describe the wider reading
 * (both directions; basic level), because a consent screen must never understate what is shared.
 */
const transactions: Describe = (has) => {
  const credits = has('ReadTransactionsCredits');
  const debits = has('ReadTransactionsDebits');
  const detail = has('ReadTransactionsDetail');
  if (!credits && !debits && !detail && !has('ReadTransactionsBasic')) return null;

  const both = credits === debits;
  const payments = both ? 'Incoming and outgoing payments' : credits ? 'Incoming payments' : 'Outgoing payments';
  if (!detail) return { title: 'Your transactions', description: `${payments}: the amount, date and type of each.` };
  const parties = both ? 'payee and payer details' : credits ? 'payer details' : 'payee details';
  return {
    title: 'Your transactions',
    description: `${payments}, with ${parties}, references and the balance after each one.`,
  };
};

const party: Describe = (has) => {
  const self = has('ReadPartyPSU');
  const holders = has('ReadParty');
  const details = 'name, address, email address and phone number';
  if (self && holders) {
    return { title: 'Your contact details', description: `Your ${details}, and those of anyone you share an account with.` };
  }
  if (self) return { title: 'Your contact details', description: `Your ${details}.` };
  if (holders) {
    return { title: 'Account holder details', description: `The ${details} of each person who holds the account.` };
  }
  return null;
};

/** In display order. Together these cover all 21 account-access permission codes. */
const GROUPS: readonly Describe[] = [
  pair(
    'ReadAccountsBasic',
    'ReadAccountsDetail',
    'Your account details',
    'The name, type and currency of each account.',
    'The name, type and currency of each account, with its account number and sort code.',
  ),
  single('ReadBalances', 'Your balances', 'The current and available balance of each account.'),
  transactions,
  single('ReadPAN', 'Your full card numbers', 'The full long number on your cards, not just the last four digits.'),
  pair(
    'ReadBeneficiariesBasic',
    'ReadBeneficiariesDetail',
    'Your saved payees',
    'The names of the people and businesses you have saved to pay.',
    'The names and account details of the people and businesses you have saved to pay.',
  ),
  single('ReadDirectDebits', 'Your Direct Debits', 'Who you pay by Direct Debit, with the reference and the last amount paid.'),
  pair(
    'ReadStandingOrdersBasic',
    'ReadStandingOrdersDetail',
    'Your standing orders',
    'The amount, frequency, dates and reference of each standing order.',
    'The amount, frequency, dates and reference of each standing order, and the account details of who it pays.',
  ),
  pair(
    'ReadScheduledPaymentsBasic',
    'ReadScheduledPaymentsDetail',
    'Your future-dated payments',
    'The amount, date and reference of payments you have set up to go out later.',
    'The amount, date and reference of payments you have set up to go out later, and the account details of who they pay.',
  ),
  pair(
    'ReadStatementsBasic',
    'ReadStatementsDetail',
    'Your statements',
    'The dates and period of each statement, without amounts.',
    'Your statements in full, including amounts, balances, interest and charges.',
  ),
  single('ReadProducts', 'Your account features', 'The features, fees, charges and interest rates of your accounts.'),
  single('ReadOffers', 'Offers for you', 'Offers we have made to you, such as a higher credit limit or a balance transfer.'),
  party,
];

/** Plain-English items for the given permission codes, grouped and in a stable order. */
export function describePermissions(codes: readonly string[]): PermissionText[] {
  const present = new Set(codes);
  const has = (code: string): boolean => present.has(code);
  return GROUPS.map((describe) => describe(has)).filter((item): item is PermissionText => item !== null);
}
