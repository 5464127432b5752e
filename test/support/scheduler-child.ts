// A process of its own that runs the scheduler, for the tests that two processes run each due payment once and that a
// process killed mid-run loses or repeats nothing: reads the database config (DATABASE_CONFIG, JSON) and the batch
// size (BATCH); prints "ready", waits for "go" on stdin, runs batches until one finds nothing due (a standing order's
// next payment may fall due as the one before runs), printing "ran <n>" after each batch, then {"ran": total} and exits.
import { once } from 'node:events';
import { runDueScheduledPayments } from '../../src/domain/payments/scheduled/run-due-payments.js';
import { openDatabase } from '../../src/persistence/data-source.js';
import { schedulerServices } from './scheduled-payments.js';

const database = await openDatabase(JSON.parse(process.env.DATABASE_CONFIG ?? '{}'));
const services = await schedulerServices(database);
process.stdout.write('ready\n');
await once(process.stdin, 'data');
let total = 0;
for (;;) {
  const run = await runDueScheduledPayments(services, new Date(), Number(process.env.BATCH ?? 100));
  total += run.ran;
  process.stdout.write(`ran ${run.ran}\n`);
  if (run.ran === 0 && !run.moreDue) break;
}
process.stdout.write(`${JSON.stringify({ ran: total })}\n`);
await database.dataSource.destroy();
