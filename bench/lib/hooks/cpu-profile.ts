/**
 * Profiling hook, preloaded into the server child by `npm run bench -- aisp-profile` (`--import`): V8 CPU
 * profile of the server between `cpu:start` and `cpu:stop` (IPC commands; the answer to `cpu:stop` is the
 * profile). Sampling every 200 µs.
 */
import { Session } from 'node:inspector';

const session = new Session();
session.connect();

function post(method: string, params: Record<string, unknown> = {}): Promise<any> {
  return new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
}

process.on('message', (message: { id?: number; command?: string }) => {
  if (message?.command === 'cpu:start') {
    void (async () => {
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 200 });
      await post('Profiler.start');
      process.send?.({ id: message.id, result: true });
    })();
  } else if (message?.command === 'cpu:stop') {
    void (async () => {
      const { profile } = await post('Profiler.stop');
      process.send?.({ id: message.id, result: profile });
    })();
  }
});
