// A bank process for crash tests: opens the database named by DATABASE_URL as OpenTeller `ISSUER`, commits one event
// for app CLIENT_ID (its consent revoked by its customer) and prints `committed <jti>`; with PUSH=yes it then pushes
// the due events and prints `pushing` first. Either way it then waits to be killed.
import { createOpenTeller } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logging/logger.js';
import { openDatabase } from '../../src/persistence/data-source.js';
import { bankEvents } from './bank-events.js';

const clientId = process.env.CLIENT_ID ?? '';
const config = loadConfig({ ISSUER: process.env.ISSUER ?? '', DATABASE_URL: process.env.DATABASE_URL ?? '', LOG_LEVEL: 'silent' });
const database = await openDatabase(config.database);
const openTeller = await createOpenTeller(config, database, createLogger('silent'));
const events = await bankEvents(config, database);
await events.revokeConsent(clientId);
const latest = (await events.eventsOf(clientId)).at(-1);
process.stdout.write(`committed ${latest?.jti ?? '?'}\n`);
if (process.env.PUSH === 'yes') {
  process.stdout.write('pushing\n');
  await openTeller.jobs.deliverEvents(new Date());
  process.stdout.write('pushed\n');
}
setInterval(() => undefined, 60_000);
