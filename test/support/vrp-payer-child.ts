// A process of its own that pays VRPs under one mandate, for the test that two processes together never exceed its
// limits: reads the database config (DATABASE_CONFIG, JSON), the mandate (MANDATE, JSON) and how many £10 payments to
// send at once (COUNT); waits for "go" on stdin, then prints {"paid": n, "refused": {code: n}} and exits.
import { once } from 'node:events';
import type { DomesticVrpConsent } from '../../src/domain/payments/vrp/vrp-consent.js';
import { openDatabase } from '../../src/persistence/data-source.js';
import { payVrp, vrpRequest, vrpServices } from './vrp-mandate.js';

const database = await openDatabase(JSON.parse(process.env.DATABASE_CONFIG ?? '{}'));
const parsed = JSON.parse(process.env.MANDATE ?? '{}') as DomesticVrpConsent & { createdAt: string };
const mandate: DomesticVrpConsent = { ...parsed, createdAt: new Date(parsed.createdAt) };
const services = await vrpServices(database);
process.stdout.write('ready\n');
await once(process.stdin, 'data');
const results = await Promise.allSettled(
  Array.from({ length: Number(process.env.COUNT) }, () => payVrp(services, mandate, vrpRequest(mandate, '10.00'))),
);
const refused: Record<string, number> = {};
for (const result of results) {
  if (result.status === 'rejected') {
    const code = (result.reason as { code?: string }).code ?? String(result.reason);
    refused[code] = (refused[code] ?? 0) + 1;
  }
}
process.stdout.write(`${JSON.stringify({ paid: results.filter((result) => result.status === 'fulfilled').length, refused })}\n`);
await database.dataSource.destroy();
