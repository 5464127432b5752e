/**
 * The baseline of `npm run bench -- aisp`: a bare Koa app with a mysql2 pool of the same size as OpenTeller's,
 * reading one balance row per request from the same database. Started as a child process by bench/aisp.ts,
 * exactly like the OpenTeller server, so both are measured under the same process layout.
 * Env: BENCH_DB_URL, BENCH_POOL_SIZE, PORT.
 */
import { createServer } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import { createPool, type RowDataPacket } from 'mysql2/promise';

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
app.use(router.routes());

const server = createServer(app.callback());
server.listen(port, '127.0.0.1');
const shutdown = () => {
  server.close(() => {
    pool.end().finally(() => process.exit(0));
  });
  server.closeAllConnections();
  setTimeout(() => process.exit(1), 5_000).unref();
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
