// Proves what an operator scraping /metrics sees: requests timed by API and route pattern (never the raw path, so
// 1,000 distinct ids add no series), the authorization server's token grants and failures by OAuth error code, the
// process's own metrics; served on a listener of its own (404 for anything but GET /metrics), and METRICS_PORT read
// and refused as the README says.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freeLoopbackPort } from '../../test/support/example-process.js';
import { registerPaymentPartner } from '../../test/support/payment-partner.js';
import { startTestServer, type TestServer } from '../../test/support/test-server.js';
import { ConfigError } from '../config/config-error.js';
import { loadMetricsConfig } from '../config/metrics-config.js';
import { serveMetrics } from './metrics-server.js';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of a Prometheus text exposition (comments skipped). */
function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      assert.ok(match, `an exposition line: ${line}`);
      const labels: Record<string, string> = {};
      for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1] ?? ''] = pair[2] ?? '';
      return { name: match[1] ?? '', labels, value: Number(match[3]) };
    });
}

describe('metrics', () => {
  let server: TestServer;
  const scrape = async () => parseExposition(await server.instance.metrics.registry.metrics());
  const durationSeries = async () => (await scrape()).filter((sample) => sample.name === 'openteller_http_server_duration_seconds_count');

  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.close());

  test('1,000 requests with distinct ids → labelled by route pattern; the number of series does not grow with the ids', async () => {
    const send = async (from: number, to: number) => {
      for (let index = from; index < to; index += 1) {
        await fetch(`${server.issuer}/open-banking/v4.0/aisp/accounts/acc_${index}/balances`);
        await fetch(`${server.issuer}/no-such-page/${index}`);
        await fetch(`${server.issuer}/open-banking/v4.0/pisp/domestic-payments/pmt_${index}`);
      }
    };
    await send(0, 10);
    const afterTen = await durationSeries();
    await send(10, 1_000);
    const afterThousand = await durationSeries();
    assert.deepEqual(
      afterThousand.map((sample) => sample.labels),
      afterTen.map((sample) => sample.labels),
    );
    const balances = afterThousand.find((sample) => sample.labels.route === '/open-banking/v4.0/aisp/accounts/:AccountId/balances');
    assert.deepEqual(balances?.labels, {
      api: 'aisp',
      route: '/open-banking/v4.0/aisp/accounts/:AccountId/balances',
      method: 'GET',
      status_class: '4xx',
    });
    assert.equal(balances?.value, 1_000);
    await fetch(`${server.issuer}/health/live`);
    assert.ok((await durationSeries()).some((sample) => sample.labels.api === 'health' && sample.labels.route === '/health/live'));
    const unknown = afterThousand.find((sample) => sample.labels.route === '{unmatched}' && sample.labels.api === 'other');
    assert.equal(unknown?.value, 1_000);
    assert.ok(
      afterThousand.every((sample) => !/acc_|pmt_|\d{3}/.test(sample.labels.route ?? '')),
      'no id in any route label',
    );
  });

  test('token grants by type and outcome, failures by OAuth error code; the process metrics are there', async () => {
    const partner = await registerPaymentPartner(server);
    await partner.paymentsToken();
    const refused = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'cli_nobody', scope: 'payments' }),
    });
    assert.equal(refused.status >= 400, true);
    const samples = await scrape();
    const oauth = samples.filter((sample) => sample.name === 'openteller_oauth_outcomes_total');
    const granted = oauth.find((sample) => sample.labels.operation === 'token' && sample.labels.outcome === 'success');
    assert.deepEqual(granted?.labels, { operation: 'token', grant_type: 'client_credentials', outcome: 'success', error: '' });
    assert.ok((granted?.value ?? 0) >= 1);
    const failed = oauth.find((sample) => sample.labels.operation === 'token' && sample.labels.outcome === 'error');
    assert.equal(failed?.labels.error, 'invalid_client');
    const token = samples.find(
      (sample) =>
        sample.name === 'openteller_http_server_duration_seconds_count' && sample.labels.route === '/token' && sample.labels.status_class === '2xx',
    );
    assert.equal(token?.labels.api, 'oauth');
    for (const name of [
      'openteller_process_cpu_seconds_total',
      'openteller_nodejs_eventloop_lag_seconds',
      'openteller_process_resident_memory_bytes',
    ])
      assert.ok(
        samples.some((sample) => sample.name === name),
        name,
      );
  });

  test('served on a listener of its own: GET /metrics → 200 in the text format, uncached; anything else → 404', async () => {
    const port = await freeLoopbackPort();
    const listener = await serveMetrics(server.instance.metrics.registry, { host: '127.0.0.1', port });
    try {
      const scraped = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(scraped.status, 200);
      assert.match(scraped.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      assert.equal(scraped.headers.get('cache-control'), 'no-store');
      assert.ok(parseExposition(await scraped.text()).some((sample) => sample.name === 'openteller_http_server_duration_seconds_count'));
      assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 404);
      assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status, 404);
      assert.equal((await fetch(`${server.issuer}/metrics`)).status, 404, 'never on the partners port');
    } finally {
      listener.close();
    }
  });

  test('METRICS_PORT: unset → no metrics endpoint; a port → 127.0.0.1 unless METRICS_HOST; not a port, or PORT itself → refused', () => {
    assert.equal(loadMetricsConfig({}, 3000), null);
    assert.deepEqual(loadMetricsConfig({ METRICS_PORT: '9464' }, 3000), { host: '127.0.0.1', port: 9464 });
    assert.deepEqual(loadMetricsConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }, 3000), { host: '0.0.0.0', port: 9464 });
    assert.throws(() => loadMetricsConfig({ METRICS_PORT: 'ninety' }, 3000), ConfigError);
    assert.throws(() => loadMetricsConfig({ METRICS_PORT: '3000' }, 3000), /must differ from PORT/);
  });
});
