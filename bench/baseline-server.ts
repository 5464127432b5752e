/**
 * The baseline of the benchmarks: a bare Koa app with a mysql2 pool of the same size as OpenTeller's, on the
 * same database. Started as a child process by bench/aisp.ts and bench/pisp.ts, exactly like the OpenTeller
 * server, so both are measured under the same process layout.
 * - `GET /balance/:id` (aisp): one balance row per request.
 * - `POST /pay` (pisp): the ledger writes of one domestic payment, in one raw mysql2 transaction.
 * Env: BENCH_DB_URL, BENCH_POOL_SIZE, PORT.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { createPool, type PoolConnection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';

const url = process.env.BENCH_DB_URL;
if (!url) throw new Error('BENCH_DB_URL is required');
const poolSize = Number(process.env.BENCH_POOL_SIZE ?? 10);
const port = Number(process.env.PORT ?? 0);

const pool = createPool({
  uri: url,
  connectionLimit: poolSize,
  maxIdle: poolSize,
  timezone: 'Z',
  charset: 'utf8mb4_unicode_ci',
  supportBigNumbers: true,
  bigNumberStrings: true,
});

const app = new Koa();
app.silent = true;
const router = new Router();
router.get('/health', async (ctx) => {
  await pool.query('SELECT 1');
  ctx.body = { status: 'ok' };
});
router.get('/balance/:id', async (ctx) => {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT balance_minor FROM account WHERE id = ?', [ctx.params.id]);
  const row = rows[0];
  if (!row) {
    ctx.status = 404;
    ctx.body = { error: 'not found' };
    return;
  }
  ctx.body = { AccountId: ctx.params.id, BalanceMinor: String(row.balance_minor) };
});

/** What `POST /pay` is told: the consent to consume and the payment it makes (see bench/pisp.ts). */
interface PayRequest {
  clientId: string;
  idempotencyKey: string;
  consentId: string;
  customerId: string;
  debtorAccountId: string;
  creditorAccountId: string;
  creditorName: string;
  creditorSchemeName: string;
  creditorIdentification: string;
  amountMinor: string;
  currency: string;
  localInstrument: string;
  reference: string;
  /** A payee at another bank: credited to the clearing account, the payment `ACSP` until settled (as OpenTeller). */
  external?: boolean;
}

const SETTLEMENT_DELAY_MS = 24 * 3600 * 1000;

class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);
const newId = (prefix: string) => `${prefix}_${randomBytes(16).toString('base64url')}`;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * The same rows a payment of OpenTeller writes (idempotency record, consent AUTH → COND, both accounts locked,
 * one transfer of two entries, both balances, the payment), with nothing else: no token, DPoP, signature,
 * schema, risk or funds reads, no ORM. Deadlocks and lock-wait timeouts are retried like OpenTeller's inTransaction.
 */
async function pay(connection: PoolConnection, request: PayRequest, rawBody: string): Promise<string> {
  const now = new Date();
  const paymentId = newId('pmt');
  const transferId = newId('trf');
  const amount = BigInt(request.amountMinor);
  await connection.beginTransaction();
  try {
    await connection.query(
      'INSERT INTO idempotency_key (client_id, operation, key_hash, request_hash, resource_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      [request.clientId, 'domestic-payment', sha256(request.idempotencyKey), sha256(rawBody), paymentId, now],
    );
    const [consumed] = await connection.query<ResultSetHeader>(
      "UPDATE consent SET status = 'COND', status_updated_at = ? WHERE id = ? AND kind = 'domestic-payment' AND status = 'AUTH'",
      [now, request.consentId],
    );
    if (consumed.affectedRows !== 1) throw new Refused(409, `consent ${request.consentId} is not AUTH`);
    const [accounts] = await connection.query<RowDataPacket[]>(
      'SELECT id, currency, balance_minor, overdraft_limit_minor FROM account WHERE id IN (?, ?) FOR UPDATE',
      [request.debtorAccountId, request.creditorAccountId],
    );
    const debtor = accounts.find((row) => row.id === request.debtorAccountId);
    const creditor = accounts.find((row) => row.id === request.creditorAccountId);
    if (!debtor || !creditor) throw new Refused(404, 'unknown account');
    const debtorAfter = BigInt(debtor.balance_minor) - amount;
    const creditorAfter = BigInt(creditor.balance_minor) + amount;
    if (debtorAfter + BigInt(debtor.overdraft_limit_minor) < 0n) throw new Refused(422, 'insufficient funds');
    await connection.query(
      'INSERT INTO ledger_transfer (id, kind, currency, reference, status, booked_at, value_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [transferId, 'payment', request.currency, request.reference, 'BOOK', now, now, now],
    );
    const entryBase = transferId.replace(/^trf_/, 'ent_');
    await connection.query(
      `INSERT INTO ledger_entry (id, transfer_id, account_id, amount_minor, currency, status, booked_at, value_at, information, counterparty_name,
         counterparty_scheme_name, counterparty_identification, balance_after_minor) VALUES (?, ?, ?, ?, ?, 'BOOK', ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, 'BOOK', ?, ?, ?, NULL, NULL, NULL, ?)`,
      [
        `${entryBase}_1`,
        transferId,
        request.debtorAccountId,
        String(-amount),
        request.currency,
        now,
        now,
        `${request.creditorName} ${request.reference}`,
        request.creditorName,
        request.creditorSchemeName,
        request.creditorIdentification,
        String(debtorAfter),
        `${entryBase}_2`,
        transferId,
        request.creditorAccountId,
        String(amount),
        request.currency,
        now,
        now,
        `${request.reference} ${paymentId}`,
        String(creditorAfter),
      ],
    );
    await connection.query('UPDATE account SET balance_minor = ? WHERE id = ?', [String(debtorAfter), request.debtorAccountId]);
    await connection.query('UPDATE account SET balance_minor = ? WHERE id = ?', [String(creditorAfter), request.creditorAccountId]);
    await connection.query(
      `INSERT INTO payment (id, consent_id, client_id, customer_id, debtor_account_id, status, status_reason_code, status_reason_description, amount_minor,
         charges_minor, currency, local_instrument, route, creditor_account_id, creditor_identification, settle_after, created_at, status_updated_at)
       VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        paymentId,
        request.consentId,
        request.clientId,
        request.customerId,
        request.debtorAccountId,
        request.external ? 'ACSP' : 'ACSC',
        String(amount),
        request.currency,
        request.localInstrument,
        request.external ? 'external' : 'internal',
        request.external ? null : request.creditorAccountId,
        request.creditorIdentification,
        request.external ? new Date(now.getTime() + SETTLEMENT_DELAY_MS) : null,
        now,
        now,
      ],
    );
    await connection.commit();
    return paymentId;
  } catch (error) {
    await connection.rollback();
    throw error;
  }
}

router.post('/pay', bodyParser({ enableTypes: ['json'] }), async (ctx) => {
  const request = ctx.request.body as PayRequest;
  const rawBody = ctx.request.rawBody;
  const connection = await pool.getConnection();
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const paymentId = await pay(connection, request, rawBody);
        ctx.status = 201;
        ctx.body = { Data: { DomesticPaymentId: paymentId, ConsentId: request.consentId, Status: request.external ? 'ACSP' : 'ACSC' } };
        return;
      } catch (error) {
        if (error instanceof Refused) {
          ctx.status = error.status;
          ctx.body = { error: error.message };
          return;
        }
        const code = (error as { code?: string }).code ?? '';
        if (attempt >= 6 || !RETRYABLE.has(code)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** attempt));
      }
    }
  } finally {
    connection.release();
  }
});
app.use(async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    ctx.status = 500;
    ctx.body = { error: (error as Error).message, code: (error as { code?: string }).code };
  }
});
app.use(router.routes());

const server = createServer(app.callback());
server.listen(port, '127.0.0.1');
const shutdown = () => {
  server.close(() => {
    void pool.end().finally(() => process.exit(0));
  });
  server.closeAllConnections();
  setTimeout(() => process.exit(1), 5_000).unref();
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
