// Proves that a bank process killed with SIGKILL loses no event notification: killed after committing an event and
// before pushing it, or in the middle of the push (its claim then expires), the event is pushed after the restart —
// at least once, and recorded as delivered.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { openDatabase, type Database } from '../../src/persistence/data-source.js';
import { bankEvents, type BankEvents } from '../support/bank-events.js';
import { EventReceiver } from '../support/event-receiver.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Longer than any claim of the default timeouts (10 s request + 1 min): a dead process's claim has expired. */
const CLAIM_EXPIRED_MS = 2 * 60_000;

/** The child bank process, and its output so far. */
interface Child {
  readonly process: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

describe('event push after a crash', () => {
  let server: TestServer;
  let receiver: EventReceiver;
  /** The test's own connection to the bank's database, which outlives the restarts. */
  let observer: Database;
  let events: BankEvents;

  before(async () => {
    server = await startTestServer();
    receiver = await EventReceiver.start();
    observer = await openDatabase(server.testDatabase.config);
    events = await bankEvents(server.config, observer);
  });
  after(async () => {
    await receiver.down();
    await observer.dataSource.destroy();
    await server.close();
  });

  function startChild(clientId: string, push: boolean): Child {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/event-push-child.ts'], {
      cwd: ROOT,
      env: { ...process.env, ISSUER: server.issuer, DATABASE_URL: server.testDatabase.url, CLIENT_ID: clientId, PUSH: push ? 'yes' : 'no' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { process: child, output: () => output, exited };
  }

  async function waitFor(what: string, check: () => boolean, child: Child): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!check()) {
      if (Date.now() > deadline || child.process.exitCode !== null) throw new Error(`${what} did not happen; the child printed: ${child.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async function kill(child: Child): Promise<void> {
    child.process.kill('SIGKILL');
    await child.exited;
  }

  test('SIGKILL after the event committed, before any push → after the restart the event is pushed and delivered', async () => {
    await events.subscribe('cli_crash_before', receiver.callbackUrl);
    const child = startChild('cli_crash_before', false);
    await waitFor('the commit', () => /committed evt_/.test(child.output()), child);
    await kill(child);
    const [event] = await events.eventsOf('cli_crash_before');
    assert.ok(event);
    assert.deepEqual([event.pushState, event.pushAttempts], ['pending', 0]);
    await server.restart();
    assert.equal((await server.instance.jobs.deliverEvents(new Date())).delivered, 1);
    assert.equal(receiver.timesReceived(event.jti), 1);
    assert.equal((await events.eventsOf('cli_crash_before'))[0]?.pushState, 'delivered');
  });

  test('SIGKILL while the partner holds the push open → the claim outlives the process, then expires; after the restart the event is pushed again and delivered', async () => {
    await events.subscribe('cli_crash_during', receiver.callbackUrl);
    receiver.answer = () => 'hang';
    const child = startChild('cli_crash_during', true);
    try {
      await waitFor('the push', () => receiver.received.some((notification) => child.output().includes(`committed ${notification.jti}`)), child);
    } finally {
      await kill(child);
    }
    const [event] = await events.eventsOf('cli_crash_during');
    assert.ok(event);
    assert.deepEqual([event.pushState, event.pushAttempts, event.claimedBy !== null], ['pending', 0, true]);
    assert.deepEqual(await events.attemptsOf(event.jti), []);
    receiver.answer = () => ({ status: 202 });
    await server.restart();
    assert.equal((await server.instance.jobs.deliverEvents(new Date())).claimed, 0, 'the dead process still holds the claim');
    assert.equal((await server.instance.jobs.deliverEvents(new Date(Date.now() + CLAIM_EXPIRED_MS))).delivered, 1);
    assert.equal(receiver.timesReceived(event.jti), 2, 'at least once: to the killed process, and again after the restart');
    const [delivered] = await events.eventsOf('cli_crash_during');
    assert.deepEqual([delivered?.pushState, delivered?.pushAttempts], ['delivered', 1]);
    assert.deepEqual(
      (await events.attemptsOf(event.jti)).map((attempt) => attempt.httpStatus),
      [202],
    );
  });
});
