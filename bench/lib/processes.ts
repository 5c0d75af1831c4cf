// Forking the benchmark's TypeScript children (the fauxqs server, the consumers, the microbenchmark)
// with the same loader flags, and keeping the tail of their output for failure reports.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildForChildren } from './build.js';
import { BENCH_CREDENTIALS, BENCH_REGION } from './config.js';

let buildDir: string | undefined;

/**
 * Transpiles src/ and bench/ for the children (see build.ts). Called once before the first fork; the
 * children then run the work tree as it was at that moment.
 */
export function prepareChildren(): void {
  buildDir = buildForChildren(fileURLToPath(new URL('../..', import.meta.url)));
}

/** The environment of every child: credentials and region for the SDK's chains, nothing from the caller's AWS setup. */
export function childEnv(endpoint: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('AWS_')) env[name] = value;
  }
  env.AWS_ACCESS_KEY_ID = BENCH_CREDENTIALS.accessKeyId;
  env.AWS_SECRET_ACCESS_KEY = BENCH_CREDENTIALS.secretAccessKey;
  env.AWS_REGION = BENCH_REGION;
  env.AWS_EC2_METADATA_DISABLED = 'true';
  if (endpoint !== undefined) env.AWS_ENDPOINT_URL = endpoint;
  return env;
}

/** A forked child with the last few kilobytes of its stdout and stderr. */
export interface ForkedChild {
  readonly process: ChildProcess;
  /** The tail of what the child printed. */
  output(): string;
}

const TAIL_BYTES = 4096;

/** Forks the transpiled `bench/<name>.js` with an IPC channel and plain `node` (no loader). */
export function forkBenchChild(name: string, args: readonly string[], env: NodeJS.ProcessEnv): ForkedChild {
  if (buildDir === undefined) throw new Error('call prepareChildren() before forking a child');
  const child = fork(join(buildDir, 'bench', `${name}.js`), [...args], {
    execArgv: [],
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { process: child, output: () => tail };
}

/** Resolves when `child` exited, or after `timeoutMs` (then it is killed). Returns whether it exited by itself. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(false);
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
