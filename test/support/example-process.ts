import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root, where the partner docs tell partners to run the examples from. */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What a finished example printed, and how it ended. */
export interface ExampleRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * An example (or a shell command) running from the repository's root with only the environment given, as in a
 * partner's terminal: its output so far, a wait for a line of it, and its end.
 */
export class ExampleProcess {
  private stdout = '';
  private stderr = '';
  private readonly child: ChildProcess;
  private readonly ended: Promise<ExampleRun>;

  private constructor(file: string, args: readonly string[], env: Readonly<Record<string, string>>) {
    this.child = spawn(file, args, { cwd: REPOSITORY_ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.ended = new Promise((resolve) => this.child.on('close', (code) => resolve({ code, stdout: this.stdout, stderr: this.stderr })));
  }

  /** Runs `node <example> [...args]` (a path under partner-portal-docs/examples/) with these settings. */
  static node(example: string, env: Readonly<Record<string, string>>, args: readonly string[] = []): ExampleProcess {
    return new ExampleProcess(process.execPath, [example, ...args], env);
  }

  /** Runs a command in /bin/sh, as pasted into a terminal, with these variables exported. */
  static shell(command: string, env: Readonly<Record<string, string>>): ExampleProcess {
    return new ExampleProcess('/bin/sh', ['-c', command], { ...env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` });
  }

  /** Resolves with the first match of `pattern` in the output; rejects, with the output, if the process ends first. */
  async waitFor(pattern: RegExp): Promise<RegExpExecArray> {
    for (;;) {
      const match = pattern.exec(this.stdout);
      if (match) return match;
      const ended = await Promise.race([this.ended, new Promise<null>((resolve) => setTimeout(() => resolve(null), 50))]);
      if (ended) throw new Error(`the example ended (${ended.code}) before printing ${pattern}:\n${ended.stdout}\n${ended.stderr}`);
    }
  }

  /** Resolves when the process has ended. */
  finished(): Promise<ExampleRun> {
    return this.ended;
  }

  /** Ends the process if it still runs (a test that failed midway). */
  stop(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** Runs an example to its end. */
export function runExample(example: string, env: Readonly<Record<string, string>>, args: readonly string[] = []): Promise<ExampleRun> {
  return ExampleProcess.node(example, env, args).finished();
}

/** A refusal as a partner should see it: a non-zero exit, these lines on stderr, and no stack trace. */
export function assertRefusal(result: ExampleRun, ...expected: RegExp[]): void {
  const output = `${result.stdout}\n${result.stderr}`;
  assert.notEqual(result.code, 0, output);
  for (const pattern of expected) assert.match(result.stderr, pattern, output);
  assert.doesNotMatch(output, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');
  assert.doesNotMatch(output, /node:internal|Node\.js v\d/, 'no uncaught error report');
}

/** A TCP port on 127.0.0.1 that nothing listens on now (for a loopback redirect URI). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
