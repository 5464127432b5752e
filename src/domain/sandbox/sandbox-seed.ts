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
} from '../accounts/account.js';
import { InvalidField } from '../errors.js';
import { SeededRandom } from './seeded-random.js';
import { ibanMod97 } from '../accounts/iban.js';
import { startOfUtcDay } from '../accounts/balances.js';
import type { Counterparty, EntryDraft, EntryStatus, TransferDraft, TransferKind } from '../ledger/ledger.js';

/** The sandbox bank's own sort code: every GBP account it holds is identified as this + an 8-digit number. */
export const SANDBOX_SORT_CODE = BANK_SORT_CODE;

/** A customer of the sandbox bank, with the password printed for developers. */
export interface SandboxCustomerSeed {
  readonly id: string;
  readonly username: string;
  readonly password: string;
  readonly displayName: string;
}

/** The whole sandbox demo bank: customers, their and the bank's accounts, and 90 days of ledger history. */
export interface SandboxSeed {
  readonly customers: readonly SandboxCustomerSeed[];
  readonly accounts: readonly Account[];
  /** Balanced, single-currency transfers sorted by `bookedAt`; ids `trf_seed_000001`, … in that order. */
  readonly transfers: readonly TransferDraft[];
}

const BANK_NAME = 'OpenTeller Sandbox Bank';
const PRNG_SEED = 0x5a4db0c5;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const HISTORY_DAYS = 90;
const PENDING_WINDOW_MS = 2 * DAY_MS;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;

interface AccountPlan {
  readonly suffix: string;
  readonly currency: 'GBP' | 'EUR';
  readonly accountType: 'Personal' | 'Business';
  readonly subType: 'CACC' | 'SVGS';
  readonly accountNumber: string;
  readonly overdraftMinor: bigint;
  readonly nickname: string;
  readonly description: string;
  readonly openingMinor: bigint;
  readonly openedDaysEarlier: number;
}

/** A card merchant; `local` ones get the customer's town appended, as card statements show it. */
interface Merchant {
  readonly info: string;
  readonly name: string;
  readonly minMinor: bigint;
  readonly maxMinor: bigint;
  readonly local?: boolean;
}

/** A spending habit: on a given day, one purchase from `merchants` with the given percent chance. */
interface Habit {
  readonly merchants: readonly Merchant[];
  readonly weekdayPct: number;
  readonly weekendPct: number;
  readonly fromHour: number;
  readonly toHour: number;
}

/** A monthly payment with the outside world; credits move to the previous working day, debits to the next. */
interface MonthlyItem {
  readonly account: string;
  readonly kind: TransferKind;
  readonly credit: boolean;
  readonly dayOfMonth: number;
  readonly hour: number;
  readonly info: string;
  readonly reference: string;
  readonly party: string;
  /** 14-digit sort code + account number or an IBAN; null for direct-debit originators. */
  readonly identification: string | null;
  readonly minMinor: bigint;
  readonly maxMinor: bigint;
}

interface CustomerPlan {
  readonly key: string;
  readonly displayName: string;
  readonly password: string;
  readonly town: string;
  readonly accounts: readonly AccountPlan[];
  readonly monthly: readonly MonthlyItem[];
  readonly savings: { readonly dayOfMonth: number; readonly amountMinor: bigint };
  readonly habits: readonly Habit[];
}

const COFFEE: readonly Merchant[] = [
  { info: 'PRET A MANGER 0412', name: 'Pret A Manger', minMinor: 265n, maxMinor: 895n, local: true },
  { info: 'COSTA COFFEE 43021', name: 'Costa Coffee', minMinor: 290n, maxMinor: 760n, local: true },
  { info: 'CAFFE NERO 0917', name: 'Caffè Nero', minMinor: 275n, maxMinor: 690n, local: true },
];
const LUNCH: readonly Merchant[] = [
  { info: 'LEON RESTAURANTS', name: 'Leon', minMinor: 695n, maxMinor: 1245n, local: true },
  { info: 'GREGGS 2231', name: 'Greggs', minMinor: 185n, maxMinor: 640n, local: true },
  { info: 'M&S SIMPLY FOOD 0615', name: 'Marks & Spencer', minMinor: 420n, maxMinor: 1180n, local: true },
];
const GROCERIES: readonly Merchant[] = [
  { info: 'TESCO STORES 3421', name: 'Tesco Stores', minMinor: 640n, maxMinor: 8675n, local: true },
  { info: 'SAINSBURYS S/MKT 0771', name: "Sainsbury's", minMinor: 980n, maxMinor: 7240n, local: true },
  { info: 'ALDI 118 772', name: 'Aldi', minMinor: 1250n, maxMinor: 5890n, local: true },
  { info: 'LIDL GB 1294', name: 'Lidl', minMinor: 870n, maxMinor: 4630n, local: true },
];
const ONLINE: readonly Merchant[] = [
  { info: 'AMAZON.CO.UK*2K4LM81Q4', name: 'Amazon', minMinor: 599n, maxMinor: 6499n },
  { info: 'ASOS.COM LTD', name: 'ASOS', minMinor: 1800n, maxMinor: 8950n },
  { info: 'APPLE.COM/BILL', name: 'Apple', minMinor: 99n, maxMinor: 1499n },
  { info: 'TRAINLINE.COM', name: 'Trainline', minMinor: 1240n, maxMinor: 9860n },
];
const EVENING: readonly Merchant[] = [
  { info: 'DELIVEROO.CO.UK', name: 'Deliveroo', minMinor: 1590n, maxMinor: 4280n },
  { info: 'WETHERSPOON 5512', name: 'J D Wetherspoon', minMinor: 480n, maxMinor: 3150n, local: true },
  { info: 'WAGAMAMA 0233', name: 'Wagamama', minMinor: 1850n, maxMinor: 6420n, local: true },
  { info: 'ODEON CINEMAS', name: 'Odeon Cinemas', minMinor: 1199n, maxMinor: 2850n, local: true },
];
const TRADE: readonly Merchant[] = [
  { info: 'SCREWFIX DIRECT 0197', name: 'Screwfix', minMinor: 849n, maxMinor: 24999n, local: true },
  { info: 'TOOLSTATION 0412', name: 'Toolstation', minMinor: 620n, maxMinor: 18950n, local: true },
  { info: 'CITY PLUMBING SUPPLIES', name: 'City Plumbing Supplies', minMinor: 2400n, maxMinor: 38500n, local: true },
  { info: 'SHELL STRETFORD', name: 'Shell', minMinor: 4000n, maxMinor: 9800n },
];
const PARIS: readonly Merchant[] = [
  { info: 'CARREFOUR CITY PARIS 11', name: 'Carrefour City', minMinor: 340n, maxMinor: 2890n },
  { info: 'RATP PARIS', name: 'RATP', minMinor: 215n, maxMinor: 1690n },
  { info: 'CAFE DE FLORE PARIS', name: 'Café de Flore', minMinor: 450n, maxMinor: 3800n },
  { info: 'MONOPRIX PARIS 09', name: 'Monoprix', minMinor: 520n, maxMinor: 4470n },
  { info: 'UBER *TRIP PARIS', name: 'Uber', minMinor: 890n, maxMinor: 3240n },
];

function commute(info: string, name: string, minMinor: bigint, maxMinor: bigint, weekdayPct: number): Habit {
  return { merchants: [{ info, name, minMinor, maxMinor }], weekdayPct, weekendPct: 15, fromHour: 7, toHour: 9 };
}

function habits(coffeePct: number, lunchPct: number, transport: Habit | null): readonly Habit[] {
  const everyday: Habit[] = [
    { merchants: COFFEE, weekdayPct: coffeePct, weekendPct: 25, fromHour: 7, toHour: 11 },
    { merchants: LUNCH, weekdayPct: lunchPct, weekendPct: 10, fromHour: 12, toHour: 14 },
    { merchants: GROCERIES, weekdayPct: 35, weekendPct: 60, fromHour: 17, toHour: 21 },
    { merchants: ONLINE, weekdayPct: 12, weekendPct: 15, fromHour: 9, toHour: 23 },
    { merchants: EVENING, weekdayPct: 15, weekendPct: 45, fromHour: 18, toHour: 23 },
  ];
  return transport ? [...everyday, transport] : everyday;
}

function monthly(
  direction: 'in' | 'out',
  account: string,
  kind: TransferKind,
  dayOfMonth: number,
  info: string,
  reference: string,
  party: string,
  identification: string | null,
  minMinor: bigint,
  maxMinor: bigint = minMinor,
): MonthlyItem {
  const credit = direction === 'in';
  return { account, kind, credit, dayOfMonth, hour: credit ? 6 : 5, info, reference, party, identification, minMinor, maxMinor };
}

function account(
  suffix: string,
  currency: 'GBP' | 'EUR',
  subType: 'CACC' | 'SVGS',
  accountNumber: string,
  overdraftMinor: bigint,
  nickname: string,
  openingMinor: bigint,
  openedDaysEarlier: number,
  accountType: 'Personal' | 'Business' = 'Personal',
): AccountPlan {
  const description = accountType === 'Business' ? 'Business current account' : subType === 'SVGS' ? 'Easy access saver' : 'Everyday current account';
  return {
    suffix,
    currency,
    accountType,
    subType,
    accountNumber,
    overdraftMinor,
    nickname,
    description,
    openingMinor,
    openedDaysEarlier,
  };
}

const CUSTOMERS: readonly CustomerPlan[] = [
  {
    key: 'alice',
    displayName: 'Alice Thompson',
    password: 'alice-sandbox-1',
    town: 'LONDON',
    accounts: [
      account('current', 'GBP', 'CACC', '31926819', 50_000n, 'Current', 24_217n, 2_210),
      account('savings', 'GBP', 'SVGS', '31926827', 0n, 'Rainy day', 625_000n, 1_480),
      account('eur', 'EUR', 'CACC', '31926835', 0n, 'Euro wallet', 85_000n, 410),
    ],
    monthly: [
      monthly('in', 'current', 'salary', 25, 'SALARY ACME LTD', 'SALARY', 'Acme Ltd', '20325873918204', 324_518n),
      monthly('out', 'current', 'rent', 1, 'RENT 14 ELM ROAD', 'RENT', 'Foxtons Lettings', '40051269871234', 145_000n),
      monthly('out', 'current', 'direct-debit', 1, 'LAMBETH COUNCIL TAX', 'CT 60214431', 'London Borough of Lambeth', null, 14_219n),
      monthly('out', 'current', 'direct-debit', 5, 'THAMES WATER', 'TW 9021884', 'Thames Water', null, 3_850n),
      monthly('out', 'current', 'direct-debit', 8, 'OCTOPUS ENERGY', 'A-1F22C9D0', 'Octopus Energy', null, 7_480n, 9_860n),
      monthly('out', 'current', 'direct-debit', 12, 'VODAFONE LTD', 'VF 7734120', 'Vodafone', null, 2_400n),
      monthly('out', 'current', 'direct-debit', 3, 'PUREGYM LTD', 'PG 1102934', 'PureGym', null, 2_499n),
      monthly(
        'in',
        'eur',
        'transfer',
        15,
        'MULLER DESIGN GMBH RECHNUNG',
        'INVOICE',
        'Müller Design GmbH',
        'DE89370400440532013000',
        42_000n,
        64_500n,
      ),
    ],
    savings: { dayOfMonth: 26, amountMinor: 30_000n },
    habits: habits(70, 40, commute('TFL TRAVEL CH', 'Transport for London', 175n, 890n, 85)),
  },
  {
    key: 'bob',
    displayName: 'Bob Patel',
    password: 'bob-sandbox-2',
    town: 'MANCHESTER',
    accounts: [
      account('current', 'GBP', 'CACC', '41873205', 25_000n, 'Current', 16_340n, 3_105),
      account('savings', 'GBP', 'SVGS', '41873213', 0n, 'Holiday fund', 312_055n, 2_050),
      account('business', 'GBP', 'CACC', '41873221', 200_000n, 'Patel Plumbing', 748_092n, 1_630, 'Business'),
    ],
    monthly: [
      monthly('out', 'current', 'rent', 1, 'HALIFAX MORTGAGE', 'MORTGAGE', 'Halifax', null, 112_037n),
      monthly('out', 'current', 'direct-debit', 1, 'MANCHESTER CITY COUNCIL', 'CT 88012347', 'Manchester City Council', null, 15_400n),
      monthly('out', 'current', 'direct-debit', 6, 'UNITED UTILITIES', 'UU 4410298', 'United Utilities', null, 4_200n),
      monthly('out', 'current', 'direct-debit', 9, 'BRITISH GAS', 'BG 850021377', 'British Gas', null, 6_020n, 8_990n),
      monthly('out', 'current', 'direct-debit', 14, 'O2 UK', 'O2 55310876', 'O2', null, 2_900n),
      monthly('out', 'business', 'direct-debit', 10, 'LEX AUTOLEASE VAN', 'LEX 3308811', 'Lex Autolease', null, 38_950n),
      monthly('out', 'business', 'direct-debit', 6, 'XERO UK LTD', 'XERO 22017', 'Xero', null, 3_300n),
      monthly('out', 'business', 'direct-debit', 18, 'DIRECT LINE FOR BUSINESS', 'DLB 7781204', 'Direct Line for Business', null, 6_412n),
    ],
    savings: { dayOfMonth: 28, amountMinor: 25_000n },
    habits: habits(30, 30, null),
  },
  {
    key: 'carol',
    displayName: 'Carol Hughes',
    password: 'carol-sandbox-3',
    town: 'BRISTOL',
    accounts: [
      account('current', 'GBP', 'CACC', '52014476', 0n, 'Current', 121_033n, 1_290),
      account('savings', 'GBP', 'SVGS', '52014484', 0n, 'House deposit', 240_000n, 1_288),
    ],
    monthly: [
      monthly('in', 'current', 'salary', 27, 'SALARY NORTH BRISTOL NHS', 'SALARY', 'North Bristol NHS Trust', '60838412203311', 214_380n, 229_915n),
      monthly('out', 'current', 'rent', 28, 'RENT FLAT 3 CHURCH ST', 'RENT', 'Hunters Estate Agents', '30994567120458', 97_500n),
      monthly('out', 'current', 'direct-debit', 1, 'BRISTOL CITY COUNCIL', 'CT 30021988', 'Bristol City Council', null, 13_880n),
      monthly('out', 'current', 'direct-debit', 4, 'BRISTOL WATER', 'BW 1120334', 'Bristol Water', null, 2_910n),
      monthly('out', 'current', 'direct-debit', 11, 'EDF ENERGY', 'EDF 67120934', 'EDF Energy', null, 5_510n, 8_240n),
      monthly('out', 'current', 'direct-debit', 17, 'EE LIMITED', 'EE 4471203', 'EE', null, 1_800n),
      monthly('out', 'current', 'direct-debit', 22, 'NETFLIX.COM', 'NFX 998120', 'Netflix', null, 1_099n),
    ],
    savings: { dayOfMonth: 28, amountMinor: 15_000n },
    habits: habits(40, 20, commute('FIRST BUS BRISTOL', 'First Bus', 250n, 550n, 60)),
  },
  {
    key: 'dave',
    displayName: 'Dave Okafor',
    password: 'dave-sandbox-4',
    town: 'EDINBURGH',
    accounts: [
      account('current', 'GBP', 'CACC', '63390158', 100_000n, 'Current', 332_560n, 3_860),
      account('savings', 'GBP', 'SVGS', '63390166', 0n, 'Savings', 1_580_000n, 3_020),
    ],
    monthly: [
      monthly('in', 'current', 'salary', 20, 'SALARY NORTHWIND TECH LTD', 'SALARY', 'Northwind Technology Ltd', '83091155667012', 410_277n),
      monthly('out', 'current', 'rent', 2, 'NATIONWIDE MORTGAGE', 'MORTGAGE', 'Nationwide Building Society', null, 168_522n),
      monthly('out', 'current', 'direct-debit', 1, 'CITY OF EDINBURGH COUNCIL', 'CT 11093321', 'City of Edinburgh Council', null, 18_950n),
      monthly('out', 'current', 'direct-debit', 7, 'SCOTTISH POWER', 'SP 55201873', 'ScottishPower', null, 9_040n, 12_960n),
      monthly('out', 'current', 'direct-debit', 15, 'SKY DIGITAL', 'SKY 6120045', 'Sky UK', null, 5_600n),
      monthly('out', 'current', 'direct-debit', 19, 'THREE UK', 'H3G 2290871', 'Three', null, 2_200n),
      monthly('out', 'current', 'direct-debit', 23, 'AVIVA LIFE', 'AV 30049812', 'Aviva', null, 3_120n),
    ],
    savings: { dayOfMonth: 21, amountMinor: 60_000n },
    habits: habits(60, 50, commute('LOTHIAN BUSES', 'Lothian Buses', 200n, 480n, 70)),
  },
];

/** Customers who pay each other: a standing order, and one-off splits drawn at random. */
const CAR_SHARE = { from: 'carol', to: 'alice', dayOfMonth: 3, amountMinor: 4_500n, reference: 'CAR SHARE' } as const;
const SPLITS = [
  { reference: 'DINNER', minMinor: 1_500n, maxMinor: 4_500n },
  { reference: 'CINEMA', minMinor: 900n, maxMinor: 2_400n },
  { reference: 'TAXI SPLIT', minMinor: 800n, maxMinor: 2_500n },
  { reference: 'BIRTHDAY PRESENT', minMinor: 1_000n, maxMinor: 5_000n },
  { reference: 'CONCERT TICKETS', minMinor: 3_500n, maxMinor: 9_000n },
  { reference: 'PUB QUIZ', minMinor: 500n, maxMinor: 1_500n },
  { reference: 'HOLIDAY DEPOSIT', minMinor: 10_000n, maxMinor: 30_000n },
] as const;
const BOB_CLIENTS = [
  { name: 'Hargreaves Property Ltd', identification: '20198834127790' },
  { name: 'Mrs J Whitworth', identification: '11082276540012' },
  { name: 'Northern Lettings Ltd', identification: '16004371209945' },
  { name: 'Castlefield Dental', identification: '30963402875511' },
] as const;
const PARIS_TRIP = { firstDay: 38, days: 5 } as const;
const BOB_BUSINESS = 'acc_bob_business';
const ALICE_EUR = 'acc_alice_eur';
/** The least headroom above the overdraft limit a customer account keeps at its lowest point. */
const OPENING_CUSHION_MINOR = 2_500n;
const BROUGHT_FORWARD: Counterparty = { name: 'Balance brought forward', schemeName: null, identification: null };

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

function customerAccountId(customerKey: string, suffix: string): string {
  return `acc_${customerKey}_${suffix}`;
}

function buildAccounts(windowStart: number): Account[] {
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
  const purposes: readonly BankAccountPurpose[] = ['external-funding', 'clearing', 'fee-income'];
  const bankAccounts = (['GBP', 'EUR'] as const).flatMap((currency, currencyIndex) =>
    purposes.map((purpose, purposeIndex): Account => ({
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
  return [...customerAccounts, ...bankAccounts];
}

interface Candidate {
  readonly at: number;
  readonly seq: number;
  readonly kind: TransferKind;
  readonly status: EntryStatus;
  readonly currency: string;
  readonly reference: string;
  readonly entries: readonly EntryDraft[];
}

/** Money between a customer account and the outside world; `amountMinor` is signed from the customer's side. */
interface ExternalMovement {
  readonly accountId: string;
  readonly amountMinor: bigint;
  readonly at: number;
  readonly kind: TransferKind;
  readonly reference: string;
  readonly information: string;
  readonly counterparty: Counterparty;
  readonly status?: EntryStatus;
}

/** Money from one customer account to another, of the same or another customer. */
interface InternalMovement {
  readonly fromId: string;
  readonly toId: string;
  readonly amountMinor: bigint;
  readonly at: number;
  readonly reference: string;
  readonly fromInformation: string;
  readonly toInformation: string;
}

/**
 * Collects transfers in any order, then sorts them and opens every customer account with a balance brought
 * forward just high enough (at least the planned one) that no running balance breaks its overdraft limit.
 */
class LedgerHistory {
  private readonly candidates: Candidate[] = [];
  private readonly accounts: ReadonlyMap<string, Account>;

  constructor(
    accounts: readonly Account[],
    private readonly windowStart: number,
    private readonly anchor: number,
  ) {
    this.accounts = new Map(accounts.map((item) => [item.id, item]));
  }

  /** Records the movement when it falls strictly inside the window. */
  external(movement: ExternalMovement): void {
    if (this.inWindow(movement.at)) this.candidates.push(this.externalCandidate(movement));
  }

  /** Records the movement when it falls strictly inside the window. */
  internal(movement: InternalMovement): void {
    if (!this.inWindow(movement.at)) return;
    const { fromId, toId, amountMinor } = movement;
    const entries: EntryDraft[] = [
      { accountId: fromId, amountMinor: -amountMinor, information: movement.fromInformation, counterparty: this.counterpartyOf(toId) },
      { accountId: toId, amountMinor, information: movement.toInformation, counterparty: this.counterpartyOf(fromId) },
    ];
    const { currency } = this.account(fromId);
    const { at, reference } = movement;
    this.candidates.push({ at, seq: this.candidates.length, kind: 'transfer', status: 'BOOK', currency, reference, entries });
  }

  /** Opening transfers (at the window start), then everything else by time; ids follow that order. */
  transfers(plannedOpenings: ReadonlyMap<string, bigint>): TransferDraft[] {
    const sorted = [...this.candidates].sort((a, b) => a.at - b.at || a.seq - b.seq);
    const lowest = lowestRunningBalances(sorted);
    const openings = [...plannedOpenings].map(([accountId, plannedMinor]) => {
      const neededMinor = -this.account(accountId).overdraftLimitMinor + OPENING_CUSHION_MINOR - (lowest.get(accountId) ?? 0n);
      return this.externalCandidate({
        accountId,
        amountMinor: plannedMinor > neededMinor ? plannedMinor : neededMinor,
        at: this.windowStart,
        kind: 'opening',
        reference: 'OPENING BALANCE',
        information: 'OPENING BALANCE',
        counterparty: BROUGHT_FORWARD,
      });
    });
    return [...openings, ...sorted].map((candidate, index) => ({
      id: `trf_seed_${String(index + 1).padStart(6, '0')}`,
      kind: candidate.kind,
      currency: candidate.currency,
      reference: candidate.reference,
      status: candidate.status,
      bookedAt: new Date(candidate.at),
      valueAt: new Date(candidate.at),
      entries: candidate.entries,
    }));
  }

  private inWindow(at: number): boolean {
    return at > this.windowStart && at < this.anchor;
  }

  private account(id: string): Account {
    const found = this.accounts.get(id);
    if (!found) throw new InvalidField(`Sandbox seed refers to unknown account ${id}`);
    return found;
  }

  private counterpartyOf(id: string): Counterparty {
    const first = this.account(id).identifications[0];
    if (!first) return { name: BANK_NAME, schemeName: null, identification: null };
    return { name: first.name ?? BANK_NAME, schemeName: first.schemeName, identification: first.identification };
  }

  private externalCandidate(movement: ExternalMovement): Candidate {
    const { accountId, amountMinor, information } = movement;
    const { currency } = this.account(accountId);
    const entries: EntryDraft[] = [
      { accountId, amountMinor, information, counterparty: movement.counterparty },
      {
        accountId: bankAccountId(currency, 'external-funding'),
        amountMinor: -amountMinor,
        information: `EXT ${information}`,
        counterparty: this.counterpartyOf(accountId),
      },
    ];
    const { at, kind, reference } = movement;
    return { at, seq: this.candidates.length, kind, status: movement.status ?? 'BOOK', currency, reference, entries };
  }
}

/** The lowest balance each account reaches over the candidates, in order, counting pending ones (0 at the start). */
function lowestRunningBalances(candidates: readonly Candidate[]): Map<string, bigint> {
  const running = new Map<string, bigint>();
  const lowest = new Map<string, bigint>();
  for (const entry of candidates.flatMap((candidate) => candidate.entries)) {
    const balance = (running.get(entry.accountId) ?? 0n) + entry.amountMinor;
    running.set(entry.accountId, balance);
    if (balance < (lowest.get(entry.accountId) ?? 0n)) lowest.set(entry.accountId, balance);
  }
  return lowest;
}

/** Scheduling on UTC calendar days within the history window. */
class Calendar {
  readonly days: readonly number[];

  constructor(
    private readonly windowStart: number,
    private readonly anchor: number,
  ) {
    const days: number[] = [];
    for (let day = startOfDay(windowStart); day < anchor; day += DAY_MS) days.push(day);
    this.days = days;
  }

  static isWeekend(day: number): boolean {
    const weekday = new Date(day).getUTCDay();
    return weekday === 0 || weekday === 6;
  }

  /** Start of each day in the window on which a monthly item falls, moved off weekends. */
  monthly(dayOfMonth: number, shift: 'earlier' | 'later'): number[] {
    const start = new Date(this.windowStart);
    const end = new Date(this.anchor);
    const months = (end.getUTCFullYear() - start.getUTCFullYear()) * 12 + end.getUTCMonth() - start.getUTCMonth();
    const days: number[] = [];
    for (let offset = -1; offset <= months; offset += 1) {
      let day = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + offset, dayOfMonth);
      while (Calendar.isWeekend(day)) day += shift === 'earlier' ? -DAY_MS : DAY_MS;
      if (day + DAY_MS > this.windowStart && day < this.anchor) days.push(day);
    }
    return days;
  }
}

function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function monthLabel(day: number): string {
  return MONTHS[new Date(day).getUTCMonth()] ?? '';
}

function timeOfDay(random: SeededRandom, day: number, fromHour: number, toHour: number): number {
  return day + fromHour * HOUR_MS + random.int(0, (toHour - fromHour) * 3600 - 1) * 1000;
}

function partyCounterparty(name: string, identification: string | null): Counterparty {
  if (identification === null) return { name, schemeName: null, identification: null };
  return { name, schemeName: /^[A-Z]{2}/.test(identification) ? IBAN_SCHEME : SORT_CODE_SCHEME, identification };
}

function cardSpend(
  history: LedgerHistory,
  random: SeededRandom,
  accountId: string,
  merchant: Merchant,
  town: string,
  at: number,
  status: EntryStatus = 'BOOK',
): void {
  history.external({
    accountId,
    amountMinor: -random.amount(merchant.minMinor, merchant.maxMinor),
    at,
    kind: 'card',
    reference: `CARD ${String(random.int(100_000, 999_999))}`,
    information: merchant.local ? `${merchant.info} ${town}` : merchant.info,
    counterparty: partyCounterparty(merchant.name, null),
    status,
  });
}

function payCustomer(history: LedgerHistory, from: CustomerPlan, to: CustomerPlan, amountMinor: bigint, at: number, reference: string): void {
  history.internal({
    fromId: customerAccountId(from.key, 'current'),
    toId: customerAccountId(to.key, 'current'),
    amountMinor,
    at,
    reference,
    fromInformation: `TO ${to.displayName.toUpperCase()} REF ${reference}`,
    toInformation: `FROM ${from.displayName.toUpperCase()} REF ${reference}`,
  });
}

function addMonthly(history: LedgerHistory, random: SeededRandom, calendar: Calendar, customer: CustomerPlan): void {
  for (const item of customer.monthly) {
    for (const day of calendar.monthly(item.dayOfMonth, item.credit ? 'earlier' : 'later')) {
      const amountMinor = random.amount(item.minMinor, item.maxMinor);
      history.external({
        accountId: customerAccountId(customer.key, item.account),
        amountMinor: item.credit ? amountMinor : -amountMinor,
        at: timeOfDay(random, day, item.hour, item.hour + 2),
        kind: item.kind,
        reference: `${item.reference} ${monthLabel(day)}`,
        information: item.info,
        counterparty: partyCounterparty(item.party, item.identification),
      });
    }
  }
  for (const day of calendar.monthly(customer.savings.dayOfMonth, 'later')) {
    history.internal({
      fromId: customerAccountId(customer.key, 'current'),
      toId: customerAccountId(customer.key, 'savings'),
      amountMinor: customer.savings.amountMinor,
      at: timeOfDay(random, day, 8, 10),
      reference: 'MONTHLY SAVINGS',
      fromInformation: 'TO SAVINGS',
      toInformation: 'FROM CURRENT ACCOUNT',
    });
  }
}

function addEverydayLife(history: LedgerHistory, random: SeededRandom, calendar: Calendar): void {
  for (const day of calendar.days) {
    const weekend = Calendar.isWeekend(day);
    for (const customer of CUSTOMERS) {
      const current = customerAccountId(customer.key, 'current');
      for (const habit of customer.habits) {
        if (!random.chance(weekend ? habit.weekendPct : habit.weekdayPct)) continue;
        const merchant = random.pick(habit.merchants);
        cardSpend(history, random, current, merchant, customer.town, timeOfDay(random, day, habit.fromHour, habit.toHour));
      }
      if (random.chance(2)) {
        history.internal({
          fromId: customerAccountId(customer.key, 'savings'),
          toId: current,
          amountMinor: random.amount(10_000n, 50_000n),
          at: timeOfDay(random, day, 9, 21),
          reference: 'SAVINGS WITHDRAWAL',
          fromInformation: 'TO CURRENT ACCOUNT',
          toInformation: 'FROM SAVINGS',
        });
      }
    }
    if (random.chance(35)) {
      const payer = random.pick(CUSTOMERS);
      const payee = random.pick(CUSTOMERS.filter((customer) => customer !== payer));
      const split = random.pick(SPLITS);
      payCustomer(history, payer, payee, random.amount(split.minMinor, split.maxMinor), timeOfDay(random, day, 10, 22), split.reference);
    }
  }
}

function addCarShare(history: LedgerHistory, random: SeededRandom, calendar: Calendar): void {
  const from = CUSTOMERS.find((customer) => customer.key === CAR_SHARE.from);
  const to = CUSTOMERS.find((customer) => customer.key === CAR_SHARE.to);
  if (!from || !to) throw new InvalidField('Sandbox car share refers to an unknown customer');
  for (const day of calendar.monthly(CAR_SHARE.dayOfMonth, 'later')) {
    payCustomer(history, from, to, CAR_SHARE.amountMinor, timeOfDay(random, day, 6, 8), CAR_SHARE.reference);
  }
}

/** Bob's plumbing business: client invoices paid in, trade purchases on the card, and his monthly drawings. */
function addBusiness(history: LedgerHistory, random: SeededRandom, calendar: Calendar): void {
  let invoice = 1041;
  for (const day of calendar.days) {
    const weekend = Calendar.isWeekend(day);
    if (!weekend && random.chance(35)) {
      const client = random.pick(BOB_CLIENTS);
      history.external({
        accountId: BOB_BUSINESS,
        amountMinor: random.amount(30_000n, 120_000n),
        at: timeOfDay(random, day, 9, 17),
        kind: 'transfer',
        reference: `INV ${invoice}`,
        information: `${client.name.toUpperCase()} INV ${invoice}`,
        counterparty: partyCounterparty(client.name, client.identification),
      });
      invoice += 1;
    }
    if (random.chance(weekend ? 10 : 45)) {
      cardSpend(history, random, BOB_BUSINESS, random.pick(TRADE), 'MANCHESTER', timeOfDay(random, day, 7, 17));
    }
  }
  for (const day of calendar.monthly(27, 'earlier')) {
    history.internal({
      fromId: BOB_BUSINESS,
      toId: customerAccountId('bob', 'current'),
      amountMinor: 260_000n,
      at: timeOfDay(random, day, 7, 9),
      reference: `DRAWINGS ${monthLabel(day)}`,
      fromInformation: 'TO BOB PATEL DRAWINGS',
      toInformation: 'FROM PATEL PLUMBING DRAWINGS',
    });
  }
}

function addParisTrip(history: LedgerHistory, random: SeededRandom, windowStart: number): void {
  const firstDay = startOfDay(windowStart) + PARIS_TRIP.firstDay * DAY_MS;
  for (let index = 0; index < PARIS_TRIP.days; index += 1) {
    const spends = random.int(2, 4);
    for (let spend = 0; spend < spends; spend += 1) {
      cardSpend(history, random, ALICE_EUR, random.pick(PARIS), '', timeOfDay(random, firstDay + index * DAY_MS, 7, 21));
    }
  }
}

/** One or two card authorisations per customer, at a time of day that suits the merchant, within 2 days of the anchor. */
function addPendingAuthorisations(history: LedgerHistory, random: SeededRandom, anchor: number): void {
  const today = startOfDay(anchor);
  for (const customer of CUSTOMERS) {
    const count = random.int(1, 2);
    for (let index = 0; index < count; index += 1) {
      const habit = random.pick(customer.habits);
      const merchant = random.pick(habit.merchants);
      const times = [today, today - DAY_MS, today - 2 * DAY_MS].map((day) => timeOfDay(random, day, habit.fromHour, habit.toHour));
      const at = times.find((time) => time < anchor && time >= anchor - PENDING_WINDOW_MS);
      if (at === undefined) continue;
      cardSpend(history, random, customerAccountId(customer.key, 'current'), merchant, customer.town, at, 'PDNG');
    }
  }
}

/**
 * Builds the sandbox demo bank: four customers with GBP current and savings accounts (Bob also a business
 * account, Alice also a EUR account), the bank's own accounts per currency, and 90 days of history ending just
 * before `anchor` (salary, rent or mortgage, direct debits, card spend, transfers between customers and between
 * own accounts, and pending card authorisations in the last two days). Pure and deterministic: the same anchor
 * gives the same output on every machine. The `external-funding` accounts stand for the outside world, so
 * their balances go negative.
 * @throws InvalidField when `anchor` is not a valid date.
 */
export function buildSandboxSeed(anchor: Date): SandboxSeed {
  const anchorMs = anchor.getTime();
  if (Number.isNaN(anchorMs)) throw new InvalidField('Sandbox anchor must be a valid date');
  const windowStart = anchorMs - HISTORY_DAYS * DAY_MS;
  const accounts = buildAccounts(windowStart);
  const history = new LedgerHistory(accounts, windowStart, anchorMs);
  const calendar = new Calendar(windowStart, anchorMs);
  const random = new SeededRandom(PRNG_SEED);

  for (const customer of CUSTOMERS) addMonthly(history, random, calendar, customer);
  addCarShare(history, random, calendar);
  addEverydayLife(history, random, calendar);
  addBusiness(history, random, calendar);
  addParisTrip(history, random, windowStart);
  addPendingAuthorisations(history, random, anchorMs);

  const customers = CUSTOMERS.map((customer): SandboxCustomerSeed => ({
    id: `cus_sandbox_${customer.key}`,
    username: customer.key,
    password: customer.password,
    displayName: customer.displayName,
  }));
  const plannedOpenings = new Map(
    CUSTOMERS.flatMap((customer) => customer.accounts.map((plan) => [customerAccountId(customer.key, plan.suffix), plan.openingMinor] as const)),
  );
  return { customers, accounts, transfers: history.transfers(plannedOpenings) };
}

/**
 * The sandbox logins and their accounts, for the docs and the CLI banner (customer accounts only, in seed
 * order). They do not depend on the anchor; the default seed is today's.
 */
export function describeSandboxCustomers(seed: SandboxSeed = buildSandboxSeed(startOfUtcDay(new Date()))): Array<{
  username: string;
  password: string;
  accounts: Array<{ AccountId: string; Currency: string; Nickname: string | null }>;
}> {
  return seed.customers.map((customer) => ({
    username: customer.username,
    password: customer.password,
    accounts: seed.accounts
      .filter((item) => item.holder.kind === 'customer' && item.holder.customerId === customer.id)
      .map((item) => ({ AccountId: item.id, Currency: item.currency, Nickname: item.nickname })),
  }));
}
