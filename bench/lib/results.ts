// The benchmark's results file: every run, and per scenario and contender the median and range of
// each measure over the repetitions that consumed every message.
import type { MicroResult } from '../micro.js';
import type { ContenderId, Scenario } from './config.js';
import { CONTENDERS } from './config.js';
import type { RunRecord } from './consumer-run.js';
import type { IdleRecord } from './idle-run.js';
import type { MachineInfo } from './machine.js';
import { type Summary, summarize } from './stats.js';

/** One contender's measures in one scenario, over its successful runs. */
export interface ContenderSummary {
  readonly contender: ContenderId;
  readonly label: string;
  readonly isPrototype: boolean;
  readonly runs: number;
  readonly okRuns: number;
  readonly messagesPerSecond: Summary | undefined;
  readonly cpuMicrosPerMessage: Summary | undefined;
  /** Client CPU per SQS request: CPU per message divided by requests per message. */
  readonly cpuMicrosPerRequest: Summary | undefined;
  readonly peakRssMb: Summary | undefined;
  readonly startRssMb: Summary | undefined;
  readonly requestsPerMessage: Summary | undefined;
  readonly serverCpuMicrosPerMessage: Summary | undefined;
  /** Errors the contender reported, over all runs. */
  readonly errors: number;
  readonly failures: readonly string[];
}

/** One scenario's runs and summaries. */
export interface ScenarioResults {
  readonly scenario: Scenario;
  /** Messages per run in this benchmark (full or smoke size). */
  readonly messages: number;
  readonly runs: readonly RunRecord[];
  readonly summaries: readonly ContenderSummary[];
}

/** The whole results file. */
export interface BenchResults {
  readonly mode: 'full' | 'smoke' | 'custom';
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationSeconds: number;
  readonly repetitions: number;
  readonly machine: MachineInfo;
  readonly scenarios: readonly ScenarioResults[];
  /** Idle cost: requests of a consumer on an empty queue (full runs only). */
  readonly idle: readonly IdleRecord[];
  readonly micro: MicroResult | undefined;
  /** Every failed run: contender lost messages, stalled, crashed or did not stop. */
  readonly failures: readonly string[];
}

function defined(values: readonly (number | undefined)[]): number[] {
  return values.filter((value): value is number => value !== undefined && Number.isFinite(value));
}

/** Summarises the runs of `contender` among `runs`. */
export function summarizeContender(contender: ContenderId, runs: readonly RunRecord[]): ContenderSummary {
  const mine = runs.filter((run) => run.contender === contender);
  const ok = mine.filter((run) => run.ok);
  const info = CONTENDERS[contender];
  return {
    contender,
    label: info.label,
    isPrototype: info.isPrototype,
    runs: mine.length,
    okRuns: ok.length,
    messagesPerSecond: summarize(defined(ok.map((run) => run.messagesPerSecond))),
    cpuMicrosPerMessage: summarize(defined(ok.map((run) => run.cpuMicrosPerMessage))),
    cpuMicrosPerRequest: summarize(
      defined(
        ok.map((run) =>
          run.cpuMicrosPerMessage === undefined || run.requestsPerMessage === undefined
            ? undefined
            : run.cpuMicrosPerMessage / run.requestsPerMessage,
        ),
      ),
    ),
    peakRssMb: summarize(defined(ok.map((run) => run.peakRssMb))),
    startRssMb: summarize(defined(ok.map((run) => run.startRssMb))),
    requestsPerMessage: summarize(defined(ok.map((run) => run.requestsPerMessage))),
    serverCpuMicrosPerMessage: summarize(defined(ok.map((run) => run.serverCpuMicrosPerMessage))),
    errors: mine.reduce((sum, run) => sum + (run.child?.errors ?? 0), 0),
    failures: mine.filter((run) => !run.ok).map((run) => `repetition ${run.repetition}: ${run.failure}`),
  };
}
