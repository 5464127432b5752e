// The events benchmark's producer, in its own process with plain node and the compiled code (dist/), as a serving
// process runs the domain: reads the ids of authorised account-access consents past their expiry (a JSON file,
// argv[2]), and has `BENCH_PRODUCERS` concurrent loops read each one through the domain, which expires it and writes
// its event in one transaction. Prints `{"producedMs": …}` and exits. Settings: DATABASE_URL, DATABASE_NAME, ISSUER.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../../dist/config/config.js';
import { getAccountAccessConsent } from '../../dist/domain/consents/account-access-consents.js';
import { eventSealer } from '../../dist/events/event-sealer.js';
import { loadKeyMaterial, messageSigningKey } from '../../dist/oauth/key-material.js';
import { openDatabase } from '../../dist/persistence/data-source.js';
import { TypeOrmConsentStore } from '../../dist/persistence/stores/consent-store.js';
import { EventOutboxWriter } from '../../dist/persistence/stores/event-outbox-writer.js';
import { TypeOrmServerKeyStore } from '../../dist/persistence/stores/server-key-store.js';
import { SchemaRegistry } from '../../dist/validation/schema-registry.js';

const { DATABASE_URL, DATABASE_NAME, ISSUER, BENCH_PRODUCERS } = process.env;
const ids = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const config = {
  ...loadConfig({ ISSUER, DATABASE_URL, LOG_LEVEL: 'silent' }),
  database: { kind: 'mysql', url: DATABASE_URL, database: DATABASE_NAME },
};
// A pool of 10 connections, as a serving process has.
const database = await openDatabase(config.database, { poolSize: 10 });
try {
  const signingKey = await messageSigningKey(await loadKeyMaterial(config, new TypeOrmServerKeyStore(database.dataSource)));
  const seal = eventSealer(SchemaRegistry.load(), signingKey);
  const outbox = new EventOutboxWriter({ issuer: ISSUER, apiBaseUrl: `${ISSUER}/open-banking/v4.0`, seal });
  const consents = new TypeOrmConsentStore(database.dataSource, outbox);
  process.send?.('ready');
  await new Promise((resolve) => process.once('message', resolve));
  const started = performance.now();
  let next = 0;
  const producer = async () => {
    while (next < ids.length) {
      const { id, clientId } = ids[next];
      next += 1;
      await getAccountAccessConsent(consents, clientId, id, new Date());
    }
  };
  await Promise.all(Array.from({ length: Number(BENCH_PRODUCERS) }, producer));
  process.send?.({ producedMs: performance.now() - started });
} finally {
  await database.dataSource.destroy();
}
