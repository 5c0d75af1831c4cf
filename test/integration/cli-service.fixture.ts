// A tiny service run as a child process by cli-signals.test.ts: one route on the in-memory
// provider, run through runService(). It reports on stdout as JSON lines tagged `fixture`:
//   { fixture: 'ready' }             the manager started (idle mode)
//   { fixture: 'handler-started' }   the handler holds the message (busy mode)
//   { fixture: 'log', level, msg }     a log line (the runner's 'signal received...' among them)
//   { fixture: 'exit', code, deleted } at process exit: the exit code and the deleted message ids
// In busy mode the handler finishes when a line arrives on stdin.
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Logger } from 'loafer';
import { jsonTranslator, Manager, Route } from 'loafer';
import { runService } from 'loafer/cli';
import { MemoryProvider } from 'loafer/testing';

function report(fields: Record<string, unknown>): void {
  // Synchronous, so that nothing is lost when the process exits right after.
  writeSync(1, `${JSON.stringify({ fixture: true, ...fields })}\n`);
}

function level(name: string) {
  return (fields: object | string, msg?: string): void =>
    report({ event: 'log', level: name, msg: typeof fields === 'string' ? fields : (msg ?? '') });
}

const logger: Logger = {
  debug: () => {},
  info: level('info'),
  warn: level('warn'),
  error: level('error'),
  child: () => logger,
};

const mode = process.argv[2] === 'busy' ? 'busy' : 'idle';
const provider = new MemoryProvider({ name: 'fixture', waitTimeSeconds: 20 });
if (mode === 'busy') provider.send({ n: 1 }, { id: 'in-flight-1' });

const release = new Promise<void>((resolve) => {
  createInterface({ input: process.stdin }).once('line', () => resolve());
});

const route = new Route({
  name: 'fixture',
  provider,
  messageTranslator: jsonTranslator(),
  handler: async () => {
    report({ event: 'handler-started' });
    await release;
    report({ event: 'handler-finished' });
    return true;
  },
});
const manager = new Manager({ routes: [route], logger });
manager.on('routeStarted', () => report({ event: 'ready' }));
process.on('exit', (code) => report({ event: 'exit', code, deleted: provider.deletedIds }));

// Only runService() may keep the process alive: the stdin reader must not.
process.stdin.unref();
await runService(manager);
