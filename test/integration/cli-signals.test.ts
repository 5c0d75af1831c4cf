// runService() in a real process: real signals, real exit codes.
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('./cli-service.fixture.ts', import.meta.url));
/** Generous: only there so that a broken child cannot hang the suite. */
const DEADLINE_MS = 15_000;

interface FixtureEvent {
  readonly event: string;
  readonly msg?: string;
  readonly code?: number;
  readonly deleted?: string[];
}

interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  readonly events: FixtureEvent[];
  /** Resolves when the fixture reported `event` (with `msg`, when given). */
  waitFor(event: string, msg?: string): Promise<FixtureEvent>;
  /** Resolves with the exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

function startFixture(mode: 'idle' | 'busy'): Child {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', FIXTURE, mode], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: 'pipe',
  });
  const events: FixtureEvent[] = [];
  const waiters: Array<{ matches: (item: FixtureEvent) => boolean; resolve: (value: FixtureEvent) => void }> =
    [];
  let text = '';
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    text += chunk;
  });
  child.stdout.on('data', (chunk: string) => {
    text += chunk;
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
      if (!line.startsWith('{"fixture":true')) continue;
      const parsed = JSON.parse(line) as FixtureEvent;
      events.push(parsed);
      for (const waiter of waiters.filter((item) => item.matches(parsed))) waiter.resolve(parsed);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const deadline = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
  void exited.then(() => clearTimeout(deadline));
  return {
    process: child,
    events,
    exited,
    output: () => text,
    waitFor(event, msg) {
      const matches = (item: FixtureEvent): boolean =>
        item.event === event && (msg === undefined || item.msg === msg);
      const seen = events.find(matches);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ matches, resolve });
        void exited.then(() =>
          reject(new Error(`the child exited before reporting ${event} ${msg ?? ''}; its output:\n${text}`)),
        );
      });
    },
  };
}

const STOPPING = 'signal received: stopping gracefully';

describe('runService() in a child process', () => {
  it('on SIGTERM lets the in-flight handler finish, deletes its message and exits 0', async () => {
    const child = startFixture('busy');
    await child.waitFor('handler-started');

    child.process.kill('SIGTERM');
    await child.waitFor('log', STOPPING);
    child.process.stdin.write('finish\n');
    const { code, signal } = await child.exited;
    const order = child.events.map((item) => (item.event === 'log' ? item.msg : item.event));
    const exit = child.events.find((item) => item.event === 'exit');

    assert.equal(signal, null, child.output());
    assert.equal(code, 0, child.output());
    assert.ok(order.indexOf(STOPPING) < order.indexOf('handler-finished'), child.output());
    assert.deepEqual(exit?.deleted, ['in-flight-1']);
  });

  it('on a second SIGTERM exits at once with 143, the in-flight message not deleted', async () => {
    const child = startFixture('busy');
    await child.waitFor('handler-started');

    child.process.kill('SIGTERM');
    // Wait until the first one was handled: a signal sent while the same one is pending is merged.
    await child.waitFor('log', STOPPING);
    child.process.kill('SIGTERM');
    const { code, signal } = await child.exited;
    const exit = child.events.find((item) => item.event === 'exit');

    assert.equal(signal, null, child.output());
    assert.equal(code, 143, child.output());
    assert.equal(
      child.events.some((item) => item.event === 'handler-finished'),
      false,
    );
    assert.deepEqual(exit?.deleted, []);
  });

  it('on SIGINT then SIGINT exits with 130', async () => {
    const child = startFixture('busy');
    await child.waitFor('handler-started');

    child.process.kill('SIGINT');
    await child.waitFor('log', STOPPING);
    child.process.kill('SIGINT');
    const { code } = await child.exited;

    assert.equal(code, 130, child.output());
  });

  it('on SIGTERM during an idle long poll exits 0 without waiting out the poll', async () => {
    const child = startFixture('idle');
    await child.waitFor('ready');

    child.process.kill('SIGTERM');
    const { code, signal } = await child.exited;

    // The poll waits 20 s; the 15 s kill deadline would turn a waited-out poll into a SIGKILL.
    assert.equal(signal, null, child.output());
    assert.equal(code, 0, child.output());
  });
});
