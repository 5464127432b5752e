import type { TransferKind } from '../domain/ledger/ledger.js';

/**
 * The sandbox demo bank as data: the merchants its customers buy from and the habits they share, what they pay
 * each other, Bob's plumbing business and Alice's trip to Paris (the customers themselves are in
 * sandbox-customers.ts). Only facts about the bank live here; how 90 days of history are drawn from them is in
 * sandbox-seed.ts.
 */

/** The name the bank's own accounts carry. */
export const BANK_NAME = 'OpenTeller Sandbox Bank';

/** An account a customer holds. */
export interface AccountPlan {
  /** The id is `acc_<customer key>_<suffix>`. */
  readonly suffix: string;
  readonly currency: 'GBP' | 'EUR';
  readonly accountType: 'Personal' | 'Business';
  readonly subType: 'CACC' | 'SVGS';
  /** The 8-digit account number under the bank's sort code. */
  readonly accountNumber: string;
  readonly overdraftMinor: bigint;
  readonly nickname: string;
  readonly description: string;
  /** The balance brought forward at the window start, raised if the history needs more (see sandbox-seed.ts). */
  readonly openingMinor: bigint;
  /** How long before the window start the account was opened. */
  readonly openedDaysEarlier: number;
}

/** A card merchant; `local` ones get the customer's town appended, as card statements show it. */
export interface Merchant {
  readonly info: string;
  readonly name: string;
  readonly minMinor: bigint;
  readonly maxMinor: bigint;
  readonly local?: boolean;
}

/** A spending habit: on a given day, one purchase from `merchants` with the given percent chance. */
export interface Habit {
  readonly merchants: readonly Merchant[];
  readonly weekdayPct: number;
  readonly weekendPct: number;
  readonly fromHour: number;
  readonly toHour: number;
}

/** A monthly payment with the outside world, in (a credit) or out (a debit) of one of the customer's accounts. */
export interface MonthlyItem {
  readonly direction: 'in' | 'out';
  /** The suffix of the customer's account. */
  readonly account: string;
  readonly kind: TransferKind;
  readonly dayOfMonth: number;
  readonly info: string;
  readonly reference: string;
  readonly party: string;
  /** 14-digit sort code + account number or an IBAN; null for direct-debit originators. */
  readonly identification: string | null;
  readonly minMinor: bigint;
  readonly maxMinor: bigint;
}

/** A customer of the sandbox bank; the id is `cus_sandbox_<key>` and the username the key. */
export interface CustomerPlan {
  readonly key: string;
  readonly displayName: string;
  /** Printed for developers (README, `openteller sandbox customers`). */
  readonly password: string;
  readonly town: string;
  readonly accounts: readonly AccountPlan[];
  readonly monthly: readonly MonthlyItem[];
  /** The monthly transfer from the current account to savings. */
  readonly savings: { readonly dayOfMonth: number; readonly amountMinor: bigint };
  readonly habits: readonly Habit[];
}

/** Where customers buy coffee and lunch, each at their own rate (sandbox-customers.ts). */
export const COFFEE: readonly Merchant[] = [
  { info: 'PRET A MANGER 0412', name: 'Pret A Manger', minMinor: 265n, maxMinor: 895n, local: true },
  { info: 'COSTA COFFEE 43021', name: 'Costa Coffee', minMinor: 290n, maxMinor: 760n, local: true },
  { info: 'CAFFE NERO 0917', name: 'Caffè Nero', minMinor: 275n, maxMinor: 690n, local: true },
];
export const LUNCH: readonly Merchant[] = [
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

/** Habits every customer shares. */
export const GROCERY_SHOPPING: Habit = { merchants: GROCERIES, weekdayPct: 35, weekendPct: 60, fromHour: 17, toHour: 21 };
export const ONLINE_SHOPPING: Habit = { merchants: ONLINE, weekdayPct: 12, weekendPct: 15, fromHour: 9, toHour: 23 };
export const EVENINGS_OUT: Habit = { merchants: EVENING, weekdayPct: 15, weekendPct: 45, fromHour: 18, toHour: 23 };

/** A standing order between two customers' current accounts. */
export const CAR_SHARE = { from: 'carol', to: 'alice', dayOfMonth: 3, amountMinor: 4_500n, reference: 'CAR SHARE' } as const;

/** On a given day, with `dailyPct` chance, one customer pays another for one of these, between the hours given. */
export const SPLITS = {
  dailyPct: 35,
  fromHour: 10,
  toHour: 22,
  reasons: [
    { reference: 'DINNER', minMinor: 1_500n, maxMinor: 4_500n },
    { reference: 'CINEMA', minMinor: 900n, maxMinor: 2_400n },
    { reference: 'TAXI SPLIT', minMinor: 800n, maxMinor: 2_500n },
    { reference: 'BIRTHDAY PRESENT', minMinor: 1_000n, maxMinor: 5_000n },
    { reference: 'CONCERT TICKETS', minMinor: 3_500n, maxMinor: 9_000n },
    { reference: 'PUB QUIZ', minMinor: 500n, maxMinor: 1_500n },
    { reference: 'HOLIDAY DEPOSIT', minMinor: 10_000n, maxMinor: 30_000n },
  ],
} as const;

/** Each customer, on a given day with `dailyPct` chance, moves money from savings to the current account. */
export const SAVINGS_WITHDRAWAL = { dailyPct: 2, minMinor: 10_000n, maxMinor: 50_000n, fromHour: 9, toHour: 21 } as const;

/**
 * Bob's plumbing business: invoices his clients pay in on weekdays, trade purchases on its card, and his monthly
 * drawings to his current account.
 */
export const BOB_BUSINESS = {
  accountId: 'acc_bob_business',
  town: 'MANCHESTER',
  invoices: { firstNumber: 1041, weekdayPct: 35, minMinor: 30_000n, maxMinor: 120_000n, fromHour: 9, toHour: 17 },
  clients: [
    { name: 'Hargreaves Property Ltd', identification: '20198834127790' },
    { name: 'Mrs J Whitworth', identification: '11082276540012' },
    { name: 'Northern Lettings Ltd', identification: '16004371209945' },
    { name: 'Castlefield Dental', identification: '30963402875511' },
  ],
  trade: { merchants: TRADE, weekdayPct: 45, weekendPct: 10, fromHour: 7, toHour: 17 },
  drawings: {
    toAccountId: 'acc_bob_current',
    dayOfMonth: 27,
    amountMinor: 260_000n,
    fromInformation: 'TO BOB PATEL DRAWINGS',
    toInformation: 'FROM PATEL PLUMBING DRAWINGS',
  },
} as const;

/** Alice's trip to Paris: 2–4 card payments a day on her EUR account for `days` days from day `firstDay` of the window. */
export const PARIS_TRIP = { accountId: 'acc_alice_eur', firstDay: 38, days: 5, merchants: PARIS, fromHour: 7, toHour: 21 } as const;
