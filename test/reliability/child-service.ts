// The run's handle on one service process (service.ts): starts it with a configuration, reads its
// stdout (pino logs and `reliability` reports), waits for reports, signals it, and waits for its exit.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RELIABILITY_CREDENTIALS, RELIABILITY_REGION } from './fauxqs-control.js';
import type { ServiceConfig, ServiceReport } from './service-config.js';
import { SERVICE_CONFIG_VARIABLE } from './service-config.js';

const SERVICE_FILE = fileURLToPath(new URL('./service.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A pino log line of the service. */
export interface ServiceLog {
  /** pino's numeric level: 20 debug, 30 info, 40 warn, 50 error. */
  readonly level: number;
  readonly msg: string;
  readonly time: number;
  readonly [field: string]: unknown;
}

/** How a service process ended. */
export interface ServiceExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Epoch ms. */
  readonly at: number;
}

/** Options of {@link ChildService.start}. */
export interface ChildServiceOptions {
  /** Extra environment variables (credentials for the SDK's chain, for instance). */
  readonly env?: Readonly<Record<string, string>>;
  /** Kills the process with SIGKILL after this long, so that a wedged child cannot hang a run. */
  readonly deadlineMs?: number;
}

/** One running (or finished) service process. */
export class ChildService {
  readonly process: ChildProcessWithoutNullStreams;
  /** When it was spawned (epoch ms). */
  readonly startedAt = Date.now();
  /** Its `reliability` reports, in order. */
  readonly reports: ServiceReport[] = [];
  /** Its pino log lines, in order. */
  readonly logs: ServiceLog[] = [];
  /** Resolves when the process exited. */
  readonly exited: Promise<ServiceExit>;
  readonly #waiters: Array<{
    matches: (report: ServiceReport) => boolean;
    resolve: (report: ServiceReport) => void;
  }> = [];
  readonly #logWaiters: Array<{ matches: (log: ServiceLog) => boolean; resolve: (log: ServiceLog) => void }> =
    [];
  #stdout = '';
  #stderr = '';
  #pending = '';
  #exit: ServiceExit | undefined;

  private constructor(child: ChildProcessWithoutNullStreams, deadlineMs: number) {
    this.process = child;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.#read(chunk));
    child.stderr.on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal, at: Date.now() };
        resolve(this.#exit);
      });
    });
    const deadline = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    deadline.unref();
    void this.exited.then(() => clearTimeout(deadline));
  }

  /** Spawns `node --conditions=source --import tsx service.ts` with `config`. */
  static start(config: ServiceConfig, options: ChildServiceOptions = {}): ChildService {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (!name.startsWith('AWS_')) env[name] = value;
    }
    env.AWS_ACCESS_KEY_ID = RELIABILITY_CREDENTIALS.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = RELIABILITY_CREDENTIALS.secretAccessKey;
    env.AWS_REGION = RELIABILITY_REGION;
    env.AWS_EC2_METADATA_DISABLED = 'true';
    Object.assign(env, options.env);
    env[SERVICE_CONFIG_VARIABLE] = JSON.stringify(config);
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', SERVICE_FILE], {
      cwd: ROOT,
      env,
      stdio: 'pipe',
    });
    return new ChildService(child, options.deadlineMs ?? 600_000);
  }

  /** The process id. */
  get pid(): number {
    return this.process.pid ?? -1;
  }

  /** How it ended, once it did. */
  get exit(): ServiceExit | undefined {
    return this.#exit;
  }

  /** Everything it wrote on stdout. */
  get stdout(): string {
    return this.#stdout;
  }

  /** Everything it wrote on stderr. */
  get stderr(): string {
    return this.#stderr;
  }

  /** Its reports of `event`. */
  reportsOf(event: ServiceReport['reliability']): ServiceReport[] {
    return this.reports.filter((report) => report.reliability === event);
  }

  /**
   * Resolves with the first report that matches (already received or future); rejects when the
   * process exits first or `timeoutMs` passes.
   */
  waitFor(matches: (report: ServiceReport) => boolean, timeoutMs = 60_000): Promise<ServiceReport> {
    const seen = this.reports.find(matches);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no matching report within ${timeoutMs} ms; stderr:\n${this.#stderr.slice(-2000)}`));
      }, timeoutMs);
      this.#waiters.push({
        matches,
        resolve: (report) => {
          clearTimeout(timer);
          resolve(report);
        },
      });
      void this.exited.then((exit) => {
        clearTimeout(timer);
        reject(
          new Error(
            `the service exited (${exit.code ?? exit.signal}) before the report; stderr:\n${this.#stderr.slice(-2000)}`,
          ),
        );
      });
    });
  }

  /** Resolves once `count` reports match. */
  async waitForCount(
    matches: (report: ServiceReport) => boolean,
    count: number,
    timeoutMs = 60_000,
  ): Promise<void> {
    let seen = 0;
    // Each report is judged once: by the initial search over past reports, or when it arrives.
    await this.waitFor((report) => matches(report) && ++seen >= count, timeoutMs);
  }

  /** Resolves with the first log line that matches (already logged or future); rejects like {@link waitFor}. */
  waitForLog(matches: (log: ServiceLog) => boolean, timeoutMs = 60_000): Promise<ServiceLog> {
    const seen = this.logs.find(matches);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(`no matching log line within ${timeoutMs} ms; stderr:\n${this.#stderr.slice(-2000)}`),
        );
      }, timeoutMs);
      this.#logWaiters.push({
        matches,
        resolve: (log) => {
          clearTimeout(timer);
          resolve(log);
        },
      });
      void this.exited.then((exit) => {
        clearTimeout(timer);
        reject(new Error(`the service exited (${exit.code ?? exit.signal}) before the log line`));
      });
    });
  }

  /** Sends `signal`. */
  kill(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  #read(chunk: string): void {
    this.#stdout += chunk;
    this.#pending += chunk;
    let newline = this.#pending.indexOf('\n');
    while (newline >= 0) {
      const line = this.#pending.slice(0, newline);
      this.#pending = this.#pending.slice(newline + 1);
      newline = this.#pending.indexOf('\n');
      this.#line(line);
    }
  }

  #line(line: string): void {
    if (!line.startsWith('{')) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return;
    }
    const record = parsed as Partial<ServiceReport> & Partial<ServiceLog>;
    if (typeof record.reliability === 'string') {
      const report = record as ServiceReport;
      this.reports.push(report);
      for (const waiter of this.#waiters.filter((item) => item.matches(report))) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(report);
      }
    } else if (typeof record.level === 'number') {
      const log = record as ServiceLog;
      this.logs.push(log);
      for (const waiter of this.#logWaiters.filter((item) => item.matches(log))) {
        this.#logWaiters.splice(this.#logWaiters.indexOf(waiter), 1);
        waiter.resolve(log);
      }
    }
  }
}
