import { IBAN_SCHEME, SORT_CODE_SCHEME, type Account } from '../domain/accounts/account.js';
import { InvalidField } from '../domain/errors.js';
import type { Counterparty, EntryStatus, TransferDraft } from '../domain/ledger/ledger.js';
import { Calendar, DAY_MS, HOUR_MS, startOfDay } from './calendar.js';
import { LedgerHistory } from './ledger-history.js';
import { buildAccounts, customerAccountId } from './sandbox-accounts.js';
import { BOB_BUSINESS, CAR_SHARE, PARIS_TRIP, SAVINGS_WITHDRAWAL, SPLITS, type CustomerPlan, type Merchant } from './sandbox-bank.js';
import { CUSTOMERS } from './sandbox-customers.js';
import { SeededRandom } from './seeded-random.js';

/** A customer of the sandbox bank, with the password printed for developers. */
export interface SandboxCustomerSeed {
  readonly id: string;
  readonly username: string;
  readonly password: string;
  readonly displayName: string;
  /** Where the bank's mail to the customer goes (shown in the customers' sandbox mailbox). */
  readonly email: string;
}

/** The whole sandbox demo bank: customers, their and the bank's accounts, and 90 days of ledger history. */
export interface SandboxSeed {
  readonly customers: readonly SandboxCustomerSeed[];
  readonly accounts: readonly Account[];
  /** Balanced, single-currency transfers sorted by `bookedAt`; ids `trf_seed_000001`, … in that order. */
  readonly transfers: readonly TransferDraft[];
}

const PRNG_SEED = 0x5a4db0c5;
const HISTORY_DAYS = 90;
const PENDING_WINDOW_MS = 2 * DAY_MS;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
/** Monthly items with the outside world land early in the morning: credits from 6:00, debits from 5:00 (UTC). */
const CREDIT_HOUR = 6;
const DEBIT_HOUR = 5;

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
    const credit = item.direction === 'in';
    const hour = credit ? CREDIT_HOUR : DEBIT_HOUR;
    for (const day of calendar.monthly(item.dayOfMonth, credit ? 'earlier' : 'later')) {
      const amountMinor = random.amount(item.minMinor, item.maxMinor);
      history.external({
        accountId: customerAccountId(customer.key, item.account),
        amountMinor: credit ? amountMinor : -amountMinor,
        at: timeOfDay(random, day, hour, hour + 2),
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
      if (random.chance(SAVINGS_WITHDRAWAL.dailyPct)) {
        history.internal({
          fromId: customerAccountId(customer.key, 'savings'),
          toId: current,
          amountMinor: random.amount(SAVINGS_WITHDRAWAL.minMinor, SAVINGS_WITHDRAWAL.maxMinor),
          at: timeOfDay(random, day, SAVINGS_WITHDRAWAL.fromHour, SAVINGS_WITHDRAWAL.toHour),
          reference: 'SAVINGS WITHDRAWAL',
          fromInformation: 'TO CURRENT ACCOUNT',
          toInformation: 'FROM SAVINGS',
        });
      }
    }
    if (random.chance(SPLITS.dailyPct)) {
      const payer = random.pick(CUSTOMERS);
      const payee = random.pick(CUSTOMERS.filter((customer) => customer !== payer));
      const split = random.pick(SPLITS.reasons);
      const amountMinor = random.amount(split.minMinor, split.maxMinor);
      payCustomer(history, payer, payee, amountMinor, timeOfDay(random, day, SPLITS.fromHour, SPLITS.toHour), split.reference);
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
  const { accountId, invoices, trade, drawings } = BOB_BUSINESS;
  let invoice: number = invoices.firstNumber;
  for (const day of calendar.days) {
    const weekend = Calendar.isWeekend(day);
    if (!weekend && random.chance(invoices.weekdayPct)) {
      const client = random.pick(BOB_BUSINESS.clients);
      history.external({
        accountId,
        amountMinor: random.amount(invoices.minMinor, invoices.maxMinor),
        at: timeOfDay(random, day, invoices.fromHour, invoices.toHour),
        kind: 'transfer',
        reference: `INV ${invoice}`,
        information: `${client.name.toUpperCase()} INV ${invoice}`,
        counterparty: partyCounterparty(client.name, client.identification),
      });
      invoice += 1;
    }
    if (random.chance(weekend ? trade.weekendPct : trade.weekdayPct)) {
      const merchant = random.pick(trade.merchants);
      cardSpend(history, random, accountId, merchant, BOB_BUSINESS.town, timeOfDay(random, day, trade.fromHour, trade.toHour));
    }
  }
  for (const day of calendar.monthly(drawings.dayOfMonth, 'earlier')) {
    history.internal({
      fromId: accountId,
      toId: drawings.toAccountId,
      amountMinor: drawings.amountMinor,
      at: timeOfDay(random, day, 7, 9),
      reference: `DRAWINGS ${monthLabel(day)}`,
      fromInformation: drawings.fromInformation,
      toInformation: drawings.toInformation,
    });
  }
}

function addParisTrip(history: LedgerHistory, random: SeededRandom, windowStart: number): void {
  const firstDay = startOfDay(windowStart) + PARIS_TRIP.firstDay * DAY_MS;
  for (let index = 0; index < PARIS_TRIP.days; index += 1) {
    const spends = random.int(2, 4);
    for (let spend = 0; spend < spends; spend += 1) {
      const merchant = random.pick(PARIS_TRIP.merchants);
      const at = timeOfDay(random, firstDay + index * DAY_MS, PARIS_TRIP.fromHour, PARIS_TRIP.toHour);
      cardSpend(history, random, PARIS_TRIP.accountId, merchant, '', at);
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
 * gives the same output on every machine. The order of the random draws is part of the seed: the same data drawn
 * in another order is another bank (sandbox-seed.test.ts compares digests). The `external-funding` accounts stand
 * for the outside world, so their balances go negative.
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

  const plannedOpenings = new Map(
    CUSTOMERS.flatMap((customer) => customer.accounts.map((plan) => [customerAccountId(customer.key, plan.suffix), plan.openingMinor] as const)),
  );
  return { customers: sandboxCustomers(), accounts, transfers: history.transfers(plannedOpenings) };
}

/** The sandbox customers' logins, the same on every anchor. */
function sandboxCustomers(): SandboxCustomerSeed[] {
  return CUSTOMERS.map((customer) => ({
    id: `cus_sandbox_${customer.key}`,
    username: customer.key,
    password: customer.password,
    displayName: customer.displayName,
    email: sandboxCustomerEmail(customer.key),
  }));
}

/** The address of a sandbox customer, whose mail the customers' sandbox mailbox shows (`.example`: never delivered). */
export function sandboxCustomerEmail(username: string): string {
  return `${username}@customers.openteller.example`;
}

/**
 * The sandbox logins and their accounts, for the docs and the CLI banner (customer accounts only, in seed
 * order). They do not depend on the anchor, so by default the 90 days of history are not built (the banner is printed
 * on every start).
 */
export function describeSandboxCustomers(
  seed: Pick<SandboxSeed, 'customers' | 'accounts'> = { customers: sandboxCustomers(), accounts: buildAccounts(Date.now()) },
): Array<{
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
