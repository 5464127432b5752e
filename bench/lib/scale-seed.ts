import { createConnection, type Connection } from 'mysql2/promise';
import type { Account } from '../../src/domain/accounts/account.js';
import type { Database } from '../../src/persistence/data-source.js';
import { insertAccounts } from '../../src/persistence/stores/account-store.js';
import { SeededRandom } from '../../src/sandbox/seeded-random.js';

/** One customer account with a long booked history, balanced against its own bank-held funding account. */
export interface HistoryPlan {
  /** Short tag used in ids, e.g. `1m`. */
  readonly tag: string;
  readonly transfers: number;
  readonly nickname: string;
  readonly accountNumber: string;
}

export interface SeededHistory {
  readonly tag: string;
  readonly accountId: string;
  readonly bankAccountId: string;
  readonly transfers: number;
  readonly entries: number;
  readonly balanceMinor: bigint;
  readonly seconds: number;
}

const CUSTOMER_ID = 'cus_sandbox_alice';
const SORT_CODE = '990301';
const YEAR_MS = 365.25 * 24 * 3_600_000;
const HISTORY_YEARS = 5;
const CHUNK = 2_500;

const MERCHANTS: ReadonlyArray<readonly [info: string, name: string, min: number, max: number]> = [
  ['TESCO STORES 3421', 'Tesco Stores', 640, 8_675],
  ['PRET A MANGER 0412', 'Pret A Manger', 265, 895],
  ['TFL TRAVEL CH', 'Transport for London', 175, 890],
  ['AMAZON.CO.UK*2K4LM81Q4', 'Amazon', 599, 6_499],
  ['DELIVEROO.CO.UK', 'Deliveroo', 1_590, 4_280],
  ['ALDI 118 772', 'Aldi', 1_250, 5_890],
  ['TRAINLINE.COM', 'Trainline', 1_240, 9_860],
];

function sqlDate(ms: number): string {
  return `'${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;
}

/**
 * Creates, for the sandbox customer alice, one account per plan (plus a bank-held funding account for each, so
 * that every transfer is balanced: the customer leg and the opposite bank leg) and bulk-loads their history
 * straight into `ledger_transfer` / `ledger_entry` with multi-row INSERTs: all `BOOK`, booked over the last
 * five years (ending an hour before today's cut-off), with running `balance_after_minor` on both legs; then
 * sets each account's `balance_minor` to the sum of its entries and checks it against the table.
 */
export async function seedHistories(
  database: Database,
  url: string,
  plans: readonly HistoryPlan[],
  log: (line: string) => void,
): Promise<SeededHistory[]> {
  const now = new Date();
  const accounts: Account[] = plans.flatMap((plan, index): Account[] => [
    {
      id: `acc_alice_bench_${plan.tag}`,
      holder: { kind: 'customer', customerId: CUSTOMER_ID },
      currency: 'GBP',
      accountType: 'Personal',
      accountSubType: 'CACC',
      nickname: plan.nickname,
      description: 'Everyday current account',
      openingDate: new Date(now.getTime() - (HISTORY_YEARS + 0.1) * YEAR_MS).toISOString().slice(0, 10),
      status: 'Enabled',
      overdraftLimitMinor: 0n,
      identifications: [
        {
          schemeName: 'UK.OBIE.SortCodeAccountNumber',
          identification: `${SORT_CODE}${plan.accountNumber}`,
          name: 'Alice Thompson',
          secondaryIdentification: null,
        },
      ],
    },
    {
      id: `acc_bank_gbp_bench_${plan.tag}`,
      holder: { kind: 'bank', purpose: 'external-funding' },
      currency: 'GBP',
      accountType: 'Business',
      accountSubType: 'CACC',
      nickname: null,
      description: `GBP bench funding ${plan.tag}`,
      openingDate: new Date(now.getTime() - (HISTORY_YEARS + 1) * YEAR_MS).toISOString().slice(0, 10),
      status: 'Enabled',
      overdraftLimitMinor: 0n,
      identifications: [
        {
          schemeName: 'UK.OBIE.SortCodeAccountNumber',
          identification: `${SORT_CODE}7700000${index + 1}`,
          name: 'OpenTeller Sandbox Bank',
          secondaryIdentification: null,
        },
      ],
    },
  ]);
  await database.dataSource.transaction((manager) => insertAccounts(manager, accounts, now));

  const transfersConnection = await createConnection({ uri: url, timezone: 'Z' });
  const entriesConnection = await createConnection({ uri: url, timezone: 'Z' });
  try {
    const seeded: SeededHistory[] = [];
    for (const [index, plan] of plans.entries())
      seeded.push(await loadHistory(transfersConnection, entriesConnection, plan, 0x5eed + index, now, log));
    return seeded;
  } finally {
    await Promise.all([transfersConnection.end(), entriesConnection.end()]);
  }
}

async function loadHistory(
  transfers: Connection,
  entries: Connection,
  plan: HistoryPlan,
  seed: number,
  now: Date,
  log: (line: string) => void,
): Promise<SeededHistory> {
  const started = Date.now();
  const accountId = `acc_alice_bench_${plan.tag}`;
  const bankAccountId = `acc_bank_gbp_bench_${plan.tag}`;
  const random = new SeededRandom(seed);
  const next = () => random.next();
  const todayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const end = todayStart - 3_600_000;
  const start = end - HISTORY_YEARS * YEAR_MS;
  const step = (end - start) / plan.transfers;
  const created = sqlDate(now.getTime());
  const merchants = MERCHANTS.map(([info, name, min, max]) => ({ info: transfers.escape(info), name: transfers.escape(name), min, max }));
  const salaryInfo = transfers.escape('SALARY ACME LTD');
  const salaryName = transfers.escape('Acme Ltd');
  const topUpInfo = transfers.escape('TRANSFER FROM SAVINGS');
  const openingInfo = transfers.escape('ACCOUNT OPENING');
  const bankInfo = transfers.escape('Bench external funding');
  const width = String(plan.transfers).length + 1;

  let balance = 0n;
  let bankBalance = 0n;
  let pending: Promise<unknown>[] = [];
  for (let first = 0; first < plan.transfers; first += CHUNK) {
    const transferRows: string[] = [];
    const entryRows: string[] = [];
    for (let i = first; i < Math.min(first + CHUNK, plan.transfers); i += 1) {
      const at = sqlDate(Math.floor(start + i * step + next() * step * 0.9));
      const transferId = `trf_bench_${plan.tag}_${String(i + 1).padStart(width, '0')}`;
      const entryBase = transferId.replace(/^trf_/, 'ent_');
      let kind: string;
      let reference: string;
      let info: string;
      let counterparty: string;
      let amount: bigint;
      if (i === 0) {
        [kind, reference, info, counterparty, amount] = ['opening', 'OPENING', openingInfo, 'NULL', 250_000n];
      } else if (i % 30 === 0) {
        [kind, reference, info, counterparty, amount] = ['salary', 'SALARY', salaryInfo, salaryName, 240_000n + BigInt(Math.floor(next() * 20_000))];
      } else {
        const merchant = merchants[Math.floor(next() * merchants.length)] ?? merchants[0]!;
        amount = -BigInt(merchant.min + Math.floor(next() * (merchant.max - merchant.min)));
        [kind, reference, info, counterparty] = ['card', 'CARD PAYMENT', merchant.info, merchant.name];
        if (balance + amount < 0n) [kind, reference, info, counterparty, amount] = ['transfer', 'TOP UP', topUpInfo, 'NULL', 100_000n];
      }
      balance += amount;
      bankBalance -= amount;
      transferRows.push(`('${transferId}','${kind}','GBP','${reference}','BOOK',${at},${at},${created})`);
      entryRows.push(
        `('${entryBase}_1','${transferId}','${accountId}',${amount},'GBP','BOOK',${at},${at},${info},${counterparty},NULL,NULL,${balance})`,
        `('${entryBase}_2','${transferId}','${bankAccountId}',${-amount},'GBP','BOOK',${at},${at},${bankInfo},NULL,NULL,NULL,${bankBalance})`,
      );
    }
    await Promise.all(pending);
    pending = [
      transfers.query(
        `INSERT INTO ledger_transfer (id, kind, currency, reference, status, booked_at, value_at, created_at) VALUES ${transferRows.join(',')}`,
      ),
      entries.query(
        `INSERT INTO ledger_entry (id, transfer_id, account_id, amount_minor, currency, status, booked_at, value_at, information, counterparty_name, counterparty_scheme_name, counterparty_identification, balance_after_minor) VALUES ${entryRows.join(',')}`,
      ),
    ];
    const done = first + CHUNK;
    if (plan.transfers >= 100_000 && done % 100_000 === 0)
      log(
        `    ${plan.tag}: ${done.toLocaleString('en')} / ${plan.transfers.toLocaleString('en')} transfers (${((Date.now() - started) / 1000).toFixed(0)} s)`,
      );
  }
  await Promise.all(pending);
  await entries.query('UPDATE account SET balance_minor = ? WHERE id = ?', [String(balance), accountId]);
  await entries.query('UPDATE account SET balance_minor = ? WHERE id = ?', [String(bankBalance), bankAccountId]);
  const [rows] = (await entries.query(
    `SELECT a.id, a.balance_minor, (SELECT COALESCE(SUM(e.amount_minor), 0) FROM ledger_entry e WHERE e.account_id = a.id) AS entry_sum,
            (SELECT COUNT(*) FROM ledger_entry e WHERE e.account_id = a.id) AS entry_count
       FROM account a WHERE a.id IN (?, ?)`,
    [accountId, bankAccountId],
  )) as unknown as [Array<{ id: string; balance_minor: string | number; entry_sum: string | number; entry_count: number }>];
  for (const row of rows) {
    if (BigInt(row.balance_minor) !== BigInt(row.entry_sum) || Number(row.entry_count) !== plan.transfers) {
      throw new Error(`ledger invariant broken for ${row.id}: balance ${row.balance_minor}, entries sum ${row.entry_sum}, count ${row.entry_count}`);
    }
  }
  return {
    tag: plan.tag,
    accountId,
    bankAccountId,
    transfers: plan.transfers,
    entries: plan.transfers * 2,
    balanceMinor: balance,
    seconds: (Date.now() - started) / 1000,
  };
}
