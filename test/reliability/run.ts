// The full reliability run (`npm run reliability`): the chaos run (10,000 messages, three SIGKILLs,
// two 10-20 s cuts), 60 s outages (blackhole and connection refused), graceful stops, and 100,000
// fuzzed bodies. Prints the figures, writes them as JSON to test/reliability/results/, and exits 1
// when a figure that must be 0 is not.
//
//   npm run reliability                        everything, full size (about 15 minutes on 2 cores)
//   npm run reliability -- --quick             smaller: 1,000 messages, 10 s outages
//   npm run reliability -- --phases=chaos,fuzz some phases only (chaos, outage, drain, fuzz)
//   npm run reliability -- --seed=42           another chaos seed (default 20261128)
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, type as osType, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ChaosResult } from './chaos.js';
import { runChaos } from './chaos.js';
import type { DrainResult, ForcedStopResult, IdleStopResult } from './drain.js';
import { runDrain, runForcedStop, runIdleStop } from './drain.js';
import type { FuzzResult } from './fuzz-run.js';
import { runFuzz } from './fuzz-run.js';
import type { OutageResult } from './outage.js';
import { runOutage } from './outage.js';
import { contractViolations } from './reconcile.js';

const PHASES = ['chaos', 'outage', 'drain', 'fuzz'] as const;
type Phase = (typeof PHASES)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    phases: { type: 'string', default: PHASES.join(',') },
    seed: { type: 'string', default: '20261128' },
    messages: { type: 'string' },
  },
});
const isQuick = values.quick === true;
const phases = new Set(String(values.phases).split(',') as Phase[]);
for (const phase of phases) {
  if (!PHASES.includes(phase)) throw new Error(`unknown phase ${phase}; phases: ${PHASES.join(', ')}`);
}
const seed = Number(values.seed);
const messages = values.messages === undefined ? (isQuick ? 1000 : 10_000) : Number(values.messages);
const workDir = join(tmpdir(), 'loafer-reliability');
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

function machine(): Record<string, string | number> {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    os: `${osType()} ${release()}`,
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}

const failures: string[] = [];
function expect(condition: boolean, what: string): void {
  if (!condition) failures.push(what);
  say(`  ${condition ? 'ok  ' : 'FAIL'} ${what}`);
}

async function chaosPhase(): Promise<ChaosResult> {
  say(`\n== chaos run: ${messages} messages ==`);
  const result = await runChaos({
    messages,
    poisonRate: 0.005,
    failRate: 0.1,
    hangRate: 0.05,
    zombieShare: 0.2,
    kills: isQuick ? 1 : 3,
    cuts: [
      { mode: 'blackhole', durationMs: [10_000, 20_000] },
      { mode: 'refuse', durationMs: [10_000, 20_000] },
    ],
    visibilityTimeoutSeconds: 5,
    maxReceiveCount: 5,
    concurrency: 50,
    waitTimeSeconds: 5,
    handlerTimeoutMs: 1000,
    handlerTimeoutGraceMs: 500,
    retryDelaySeconds: 1,
    workMs: [5, 50],
    seed,
    deadlineMs: 30 * 60_000,
    workDir,
    log: (text) => say(`  ${text}`),
  });
  const f = result.figures;
  say('  figures:');
  say(`    seeded                              ${f.seeded} (${f.poison} poison)`);
  say(`    acked after a successful handling   ${f.ackedAfterSuccess}`);
  say(
    `    in the DLQ                          ${f.inDlq} (poison ${f.poisonInDlq}/${f.poison}, non-poison never succeeded ${f.inDlqNeverSucceeded}, non-poison after a success ${f.inDlqAfterSuccess})`,
  );
  say(`    lost                                ${f.lost}`);
  say(
    `    acked without a successful handling ${f.ackedWithoutSuccess} (deletes on the wire without one: ${f.deletesWithoutSuccess} of ${f.deletesOnWire})`,
  );
  say(
    `    duplicates                          ${f.duplicateMessages} messages handled more than once (${f.duplicateHandlings} extra handlings)`,
  );
  say(`    left in the queue                   ${f.leftInQueue}`);
  say(
    `    attempts                            ${JSON.stringify(f.attempts)}; late results ignored ${f.lateResults}`,
  );
  say(
    `    kills ${result.kills}, service starts ${result.starts}, unexpected exits ${result.unexpectedExits}, cuts ${JSON.stringify(result.cuts)}`,
  );
  say(
    `    consumed in ${(result.consumeMs / 1000).toFixed(1)} s; final SIGTERM → exit ${result.finalExit.code} in ${result.finalStopMs.toFixed(0)} ms`,
  );
  expect(
    Object.keys(contractViolations(f)).length === 0,
    `contract figures all 0: ${JSON.stringify(contractViolations(f))}`,
  );
  expect(f.leftInQueue === 0, 'every message deleted or dead-lettered');
  expect(f.poisonInDlq === f.poison, 'every poison message in the DLQ');
  expect(result.unexpectedExits === 0, 'no service process crashed');
  expect(result.finalExit.code === 0, 'the last service process stopped with 0');
  return result;
}

async function outagePhase(): Promise<OutageResult[]> {
  const outageMs = isQuick ? 10_000 : 60_000;
  const results: OutageResult[] = [];
  for (const mode of ['blackhole', 'refuse'] as const) {
    say(`\n== outage: ${mode} for ${outageMs / 1000} s (waitTimeSeconds 20, default request timeout) ==`);
    const result = await runOutage({
      mode,
      outageMs,
      waitTimeSeconds: 20,
      visibilityTimeoutSeconds: outageMs / 1000 + 60,
      inFlightAtCut: 10,
      sentDuringOutage: 100,
      settleDeadlineMs: outageMs + 180_000,
      workDir,
    });
    say(
      `  stayed up ${result.stayedUp}; receives on the wire ${result.receivesOnWire}, failed fetches ${result.failedFetches}: ${result.receiveAttemptsPerSecond.toFixed(2)} attempts/s`,
    );
    say(`  error lines ${JSON.stringify(result.errorLines)}; warn lines ${JSON.stringify(result.warnLines)}`);
    say(
      `  recovered ${result.recoveredAfterMs} ms and handled ${result.firstHandledAfterMs} ms after the return`,
    );
    say(
      `  acks reported ${result.acksReported}, failed ${result.acksFailed}, reported but never sent ${result.acksReportedNotSent}; duplicates ${result.duplicates}`,
    );
    say(
      `  seeded ${result.seeded}, deleted ${result.deleted}, lost ${result.lost}, deletes without success ${result.deletesWithoutSuccess}`,
    );
    expect(result.stayedUp, 'the service stayed up');
    expect(
      Object.values(result.errorLines).every((count) => count === 1),
      'one error line per state change',
    );
    expect(result.receiveAttemptsPerSecond <= 1.2, 'at most about one receive attempt per second');
    expect(
      (result.firstHandledAfterMs ?? Number.POSITIVE_INFINITY) < 5000,
      'handling resumed within 5 s of the return',
    );
    expect(result.acksReportedNotSent === 0, 'no ack reported done that never reached the server');
    expect(
      result.lost === 0 && result.deletesWithoutSuccess === 0,
      'nothing lost, nothing deleted without success',
    );
    expect(result.deleted === result.seeded, 'every message deleted in the end');
    results.push(result);
  }
  return results;
}

async function drainPhase(): Promise<{
  drain: DrainResult;
  deadline: DrainResult;
  forced: ForcedStopResult;
  idle: IdleStopResult[];
}> {
  say('\n== graceful stop ==');
  const drain = await runDrain({
    workDir,
    inFlight: 100,
    holdMs: 1500,
    extraConcurrency: 20,
    shortMessages: 400,
    shutdownTimeoutMs: 10_000,
  });
  say(
    `  SIGTERM with ${drain.inFlightAtSigterm} in flight: exit ${drain.exit.code} in ${drain.sigtermToExitMs.toFixed(0)} ms (deadline ${drain.shutdownTimeoutMs} ms)`,
  );
  say(
    `  started ${drain.started}, succeeded ${drain.succeeded}, unfinished ${drain.unfinished}, deleted ${drain.deleted}, deleted without success ${drain.deletedWithoutSuccess}`,
  );
  say(
    `  right after the exit: visible ${drain.visibleAfterExit}, still hidden ${drain.hiddenAfterExit}, handed back while stopping ${drain.releasedWhileStopping}`,
  );
  expect(
    drain.exit.code === 0 && drain.sigtermToExitMs < drain.shutdownTimeoutMs,
    'exit 0 within the deadline',
  );
  expect(
    drain.unfinished === 0 && drain.deleted === drain.succeeded,
    'every in-flight handler finished and was deleted',
  );
  expect(drain.deletedWithoutSuccess === 0, 'nothing deleted without success');
  expect(drain.hiddenAfterExit === 0, 'nothing left hidden after the exit');
  const deadline = await runDrain({
    workDir,
    inFlight: 20,
    holdMs: 30_000,
    extraConcurrency: 0,
    shortMessages: 0,
    shutdownTimeoutMs: 1500,
  });
  say(
    `  handlers outlasting a 1500 ms deadline: exit ${deadline.exit.code} in ${deadline.sigtermToExitMs.toFixed(0)} ms; deleted ${deadline.deleted}; hidden after the exit ${deadline.hiddenAfterExit} (kept: back after the visibility timeout)`,
  );
  expect(deadline.exit.code === 0 && deadline.deleted === 0, 'deadline: exit 0, nothing deleted');
  const forced = await runForcedStop({ workDir, inFlight: 5, shutdownTimeoutMs: 30_000 });
  say(
    `  second SIGTERM: exit ${forced.exit.code} in ${forced.secondSignalToExitMs.toFixed(0)} ms; deleted ${forced.deleted}`,
  );
  expect(
    forced.exit.code === 143 && forced.deleted === 0,
    'second SIGTERM: exit 143 at once, nothing deleted',
  );
  const idle: IdleStopResult[] = [];
  for (let run = 0; run < 5; run++) idle.push(await runIdleStop({ workDir }));
  const times = idle.map((result) => result.sigtermToExitMs).sort((a, b) => a - b);
  say(`  idle long poll (20 s): SIGTERM → exit in ${times.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  expect(
    idle.every((result) => result.exit.code === 0 && result.sigtermToExitMs < 1000),
    'idle: exit 0 in under a second',
  );
  return { drain, deadline, forced, idle };
}

async function fuzzPhase(): Promise<FuzzResult> {
  say('\n== fuzzed bodies ==');
  const result = await runFuzz(0x10afe4, 100_000);
  say(
    `  ${result.bodies} bodies through ${Object.keys(result.byTranslator).length} translators in ${(result.durationMs / 1000).toFixed(1)} s`,
  );
  for (const [name, tally] of Object.entries(result.byTranslator)) {
    say(`    ${name}: ${tally.ok} ok, ${JSON.stringify(tally.failed)}`);
  }
  expect(result.problemCount === 0, `every failure a readable TranslationError (${result.problemCount} not)`);
  return result;
}

const startedAt = performance.now();
const report: Record<string, unknown> = { machine: machine(), isQuick, seed, messages };
say(`loafer reliability run — ${JSON.stringify(report.machine)}`);
if (phases.has('chaos')) report.chaos = await chaosPhase();
if (phases.has('outage')) report.outages = await outagePhase();
if (phases.has('drain')) report.stops = await drainPhase();
if (phases.has('fuzz')) report.fuzz = await fuzzPhase();
report.durationMs = performance.now() - startedAt;
report.failures = failures;

mkdirSync(resultsDir, { recursive: true });
const file = join(
  resultsDir,
  `${isQuick ? 'quick' : 'full'}-${new Date().toISOString().replaceAll(':', '-').slice(0, 19)}.json`,
);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
say(
  `\n${failures.length === 0 ? 'PASS' : `FAIL (${failures.length})`} in ${((report.durationMs as number) / 60_000).toFixed(1)} min — results in ${file}`,
);
process.exitCode = failures.length === 0 ? 0 : 1;
