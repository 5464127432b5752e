// Proves the one scheduler of background work: a run that says more is due is followed at once, runs never overlap, a failure is reported and the runs go on, a wake runs the work early (once more after a run in progress), and stop ends them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { repeat } from './repeat.js';

/** A failure no test here expects. */
function unexpected(error: unknown): never {
  assert.fail(`unexpected failure: ${String(error)}`);
}

/** Waits until `done` holds (checking every 5 ms, at most 5 s). */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 5) {
    if (waited > 5_000) throw new Error('waited 5 s');
    await sleep(5);
  }
}

test('work that says more is due three times → four runs back to back, the last three without waiting the interval', async () => {
  const startedAt: number[] = [];
  const task = repeat(1_000, async () => startedAt.push(Date.now()) < 4, unexpected);
  await until(() => startedAt.length === 4);
  task.stop();
  assert.ok((startedAt[3] ?? 0) - (startedAt[0] ?? 0) < 1_000, `runs at ${startedAt.join(', ')}`);
});

test('a slow run → the next starts only after it ends (never two at once)', async () => {
  let running = 0;
  let most = 0;
  let runs = 0;
  const task = repeat(
    1,
    async () => {
      running += 1;
      runs += 1;
      most = Math.max(most, running);
      await sleep(15);
      running -= 1;
    },
    unexpected,
  );
  await until(() => runs >= 3);
  task.stop();
  assert.equal(most, 1);
});

test('a failing run → reported, and the runs go on; stop → no run after it', async () => {
  const errors: unknown[] = [];
  let runs = 0;
  const task = repeat(
    5,
    async () => {
      runs += 1;
      throw new Error(`run ${runs}`);
    },
    (error) => errors.push(error),
  );
  await until(() => errors.length >= 2);
  task.stop();
  const stoppedAt = runs;
  await sleep(30);
  assert.equal(runs, stoppedAt);
  assert.equal(errors.length, stoppedAt);
});

test('woken while waiting a long interval → runs at once', async () => {
  let runs = 0;
  const task = repeat(60_000, async () => void (runs += 1), unexpected);
  await sleep(10);
  assert.equal(runs, 0);
  task.wake();
  await until(() => runs === 1);
  task.stop();
});

test('woken twice during a run → exactly one more run right after it, never two at once', async () => {
  let running = 0;
  let most = 0;
  let runs = 0;
  let release: () => void = () => undefined;
  const task = repeat(
    60_000,
    async () => {
      running += 1;
      runs += 1;
      most = Math.max(most, running);
      if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
      running -= 1;
    },
    unexpected,
  );
  task.wake();
  await until(() => runs === 1);
  task.wake();
  task.wake();
  release();
  await until(() => runs === 2);
  await sleep(30);
  task.stop();
  assert.equal(runs, 2);
  assert.equal(most, 1);
});

test('woken within 40 ms, then within 60 s, while waiting a long interval → one run, about 40 ms later', async () => {
  const startedAt: number[] = [];
  const task = repeat(60_000, async () => void startedAt.push(Date.now()), unexpected);
  const wokenAt = Date.now();
  task.wake(40);
  task.wake(60_000);
  await until(() => startedAt.length === 1);
  await sleep(60);
  task.stop();
  assert.equal(startedAt.length, 1);
  const waitedMs = (startedAt[0] ?? 0) - wokenAt;
  assert.ok(waitedMs >= 35 && waitedMs < 1_000, `ran ${waitedMs} ms after the wake`);
});

test('woken after stop → no run', async () => {
  let runs = 0;
  const task = repeat(60_000, async () => void (runs += 1), unexpected);
  task.stop();
  task.wake();
  await sleep(30);
  assert.equal(runs, 0);
});
