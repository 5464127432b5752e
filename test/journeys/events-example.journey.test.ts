// Proves that the events example of the partner docs (receive-events.mjs) works as events.md says, run as a partner runs it: with polling it subscribes (polling only), receives every event of its app once, verified against the bank's /jwks, acknowledges them (the bank never offers them again) and stops; run again it changes the same subscription instead of failing with 409; with LISTEN_PORT it receives pushed events on its own callback URL and answers 202.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { EventDraft } from '../../src/domain/events/event-notification.js';
import { EventType } from '../../src/domain/events/event-types.js';
import { inTransaction } from '../../src/persistence/transactions.js';
import { ExampleProcess, freeLoopbackPort, REPOSITORY_ROOT, runExample } from '../support/example-process.js';
import { PortalClient } from '../support/portal-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const EXAMPLE = 'partner-portal-docs/examples/receive-events.mjs';

describe('receive-events.mjs', () => {
  let server: TestServer;
  let keys: string;
  let app: { clientId: string; partnerId: string };

  function env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ISSUER: server.issuer,
      CLIENT_ID: app.clientId,
      PARTNER_ID: app.partnerId,
      PRIVATE_JWK_FILE: join(keys, 'private-jwk.json'),
      SIGNING_JWK_FILE: join(keys, 'signing-private-jwk.json'),
      ...extra,
    };
  }

  /** Events raised for the app as the bank raises them: written through its outbox, signed with its key. */
  async function raise(...ids: string[]): Promise<void> {
    const drafts: EventDraft[] = ids.map((id) => ({
      clientId: app.clientId,
      resource: { type: 'domestic-payment', id },
      events: [EventType.ResourceUpdate],
      interactionId: null,
      occurredAt: new Date(),
    }));
    await inTransaction(server.database.dataSource, (manager) => server.instance.outbox.appendWithin(manager, drafts, new Date()));
  }

  async function unacknowledged(): Promise<string[]> {
    const rows: { resource_id: string }[] = await server.database.dataSource.query(
      'SELECT resource_id FROM event_notification WHERE client_id = ? AND acknowledged_at IS NULL ORDER BY sequence',
      [app.clientId],
    );
    return rows.map((row) => row.resource_id);
  }

  before(async () => {
    server = await startTestServer();
    keys = join(mkdtempSync(join(tmpdir(), 'openteller-events-example-')), 'keys');
    await promisify(execFile)(process.execPath, ['partner-portal-docs/examples/generate-keys.mjs', keys], { cwd: REPOSITORY_ROOT });
    const portal = await PortalClient.signedUp(server, 'Event Readers Ltd', 'dev@events.example');
    const created = await portal.submit('/portal/apps/new', '/portal/apps', {
      name: 'Event Reader',
      redirect_uris: 'http://127.0.0.1:9/callback',
      roles: ['AISP', 'PISP'],
      keys_source: 'jwks',
      jwks: readFileSync(join(keys, 'public-jwks.json'), 'utf8'),
    });
    const [, partnerId = '', clientId = ''] = /id="signing-iss">([^/<]+)\/([^<]+)</.exec(created.html) ?? [];
    app = { clientId, partnerId };
  });
  after(() => server.close());

  test('polling, three events waiting, STOP_AFTER=3 → subscribes (polling only), prints each event once, acknowledges them all; exit 0', async () => {
    await raise('pmt_one', 'pmt_two', 'pmt_three');
    const result = await runExample(EXAMPLE, env({ STOP_AFTER: '3' }));
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /Subscription evs_\S+ created: polling only, event types all/);
    for (const id of ['pmt_one', 'pmt_two', 'pmt_three']) {
      assert.match(result.stdout, new RegExp(`Event evt_\\S+: resource-update of domestic-payment ${id} at `));
    }
    assert.match(result.stdout, /Received 3 event\(s\); stopping\./);
    assert.deepEqual(await unacknowledged(), []);
  });

  test('run again with EVENT_TYPES and one new event → the same subscription changed (PUT), the new event received', async () => {
    await raise('pmt_four');
    const result = await runExample(EXAMPLE, env({ STOP_AFTER: '1', EVENT_TYPES: 'UK.OBIE.Resource-Update,UK.OBIE.Consent-Authorization-Revoked' }));
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
    assert.match(
      result.stdout,
      /Subscription evs_\S+ changed: polling only, event types UK\.OBIE\.Resource-Update, UK\.OBIE\.Consent-Authorization-Revoked/,
    );
    assert.match(result.stdout, /resource-update of domestic-payment pmt_four/);
    assert.doesNotMatch(result.stdout, /pmt_one/);
    assert.deepEqual(await unacknowledged(), []);
  });

  test('with LISTEN_PORT, STOP_AFTER=2 → subscribes its own callback URL, receives two pushed events, verifies them, answers 202; exit 0', async () => {
    const port = await freeLoopbackPort();
    const example = ExampleProcess.node(EXAMPLE, env({ LISTEN_PORT: String(port), STOP_AFTER: '2' }));
    try {
      await example.waitFor(/Listening for events on/);
      await raise('pmt_pushed_1', 'pmt_pushed_2');
      // The worker runs one push run at a time, as serve does; the last run is awaited, so its results are recorded.
      let run: Promise<unknown> = Promise.resolve();
      let running = false;
      const pushing = setInterval(() => {
        if (running) return;
        running = true;
        run = server.instance.jobs.deliverEvents(new Date()).finally(() => (running = false));
      }, 100);
      const result = await example.finished().finally(() => clearInterval(pushing));
      await run;
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      assert.match(
        result.stdout,
        new RegExp(`Subscription evs_\\S+ changed: pushed to http://localhost:${port}/open-banking/v4\\.0/event-notifications`),
      );
      assert.match(result.stdout, /resource-update of domestic-payment pmt_pushed_1/);
      assert.match(result.stdout, /resource-update of domestic-payment pmt_pushed_2/);
      const states: { push_state: string }[] = await server.database.dataSource.query(
        "SELECT push_state FROM event_notification WHERE client_id = ? AND resource_id LIKE 'pmt_pushed_%'",
        [app.clientId],
      );
      assert.deepEqual(
        states.map((row) => row.push_state),
        ['delivered', 'delivered'],
      );
    } finally {
      example.stop();
    }
  });
});
