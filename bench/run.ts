// The benchmark: loafer against the Node SQS consumers, each in its own process, against fauxqs in
// another, same machine, same run, interleaved. See docs/performance.md.
//
//   npm run bench                 full run (3 repetitions); writes bench/results/ and docs/performance.md
//   npm run bench:smoke           a few hundred messages, 1 repetition; fails when a contender loses messages
//   npm run bench -- --scenarios=noop --contenders=loafer,squiss --reps=5 --messages=5000
import { mkdirSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CONTENDER_IDS,
  type ContenderId,
  FULL_REPETITIONS,
  IDLE_CONCURRENCY,
  IDLE_SECONDS,
  SCENARIOS,
  type Scenario,
} from './lib/config.js';
import { type RunRecord, runConsumer } from './lib/consumer-run.js';
import { performanceDoc } from './lib/docs.js';
import { type IdleRecord, runIdle } from './lib/idle-run.js';
import { machineInfo } from './lib/machine.js';
import { childEnv, forkBenchChild, prepareChildren, waitForExit } from './lib/processes.js';
import { headlineChart, resultsMarkdown } from './lib/report.js';
import { type BenchResults, type ScenarioResults, summarizeContender } from './lib/results.js';
import { ServerControl } from './lib/server-control.js';
import { SqsJsonClient } from './lib/sqs-json-client.js';
import { renderBarChart } from './lib/svg-chart.js';
import type { MicroResult } from './micro.js';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    scenarios: { type: 'string' },
    contenders: { type: 'string' },
    reps: { type: 'string' },
    messages: { type: 'string' },
    'micro-messages': { type: 'string' },
    'no-micro': { type: 'boolean', default: false },
    'idle-seconds': { type: 'string' },
  },
  strict: true,
});

function list<T extends string>(
  text: string | undefined,
  known: readonly T[],
  what: string,
): T[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(',').map((item) => item.trim());
  for (const item of items) {
    if (!known.includes(item as T))
      throw new Error(`unknown ${what} \`${item}\`; known: ${known.join(', ')}`);
  }
  return items as T[];
}

function positiveInteger(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`expected --${what} to be an integer >= 1, got \`${text}\``);
  return value;
}

const isSmoke = values.smoke;
const onlyScenarios = list(
  values.scenarios,
  SCENARIOS.map((scenario) => scenario.id),
  'scenario',
);
const onlyContenders = list<ContenderId>(values.contenders, CONTENDER_IDS, 'contender');
const repetitions = positiveInteger(values.reps, 'reps') ?? (isSmoke ? 1 : FULL_REPETITIONS);
const messagesOverride = positiveInteger(values.messages, 'messages');
// Anything but the repetitions makes a subset, which leaves bench/results/ and the docs alone.
const isCustom =
  onlyScenarios !== undefined ||
  onlyContenders !== undefined ||
  messagesOverride !== undefined ||
  values['no-micro'] ||
  values['micro-messages'] !== undefined ||
  values['idle-seconds'] !== undefined;
const mode: BenchResults['mode'] = isSmoke ? 'smoke' : isCustom ? 'custom' : 'full';
const microMessages =
  positiveInteger(values['micro-messages'], 'micro-messages') ?? (isSmoke ? 20_000 : 200_000);
const isMicroRun = !values['no-micro'] && (onlyScenarios === undefined || isSmoke);
const idleSeconds =
  values['idle-seconds'] === '0'
    ? 0
    : (positiveInteger(values['idle-seconds'], 'idle-seconds') ?? (mode === 'full' ? IDLE_SECONDS : 0));

const scenarios: Scenario[] = SCENARIOS.filter(
  (scenario) => onlyScenarios === undefined || onlyScenarios.includes(scenario.id),
).map((scenario) => ({
  ...scenario,
  contenders: scenario.contenders.filter((id) => onlyContenders === undefined || onlyContenders.includes(id)),
}));

const root = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = fileURLToPath(new URL(mode === 'full' ? './results/' : './results/raw/', import.meta.url));
const docsPath = fileURLToPath(new URL('../docs/performance.md', import.meta.url));
const extraArgs = process.argv.slice(2).filter((arg) => arg !== '--smoke');
const command = `npm run ${isSmoke ? 'bench:smoke' : 'bench'}${extraArgs.length > 0 ? ` -- ${extraArgs.join(' ')}` : ''}`;

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function describeRun(run: RunRecord): string {
  if (!run.ok) return `FAILED: ${run.failure}`;
  return [
    `${Math.round(run.messagesPerSecond ?? 0)} msg/s`,
    `${Math.round(run.cpuMicrosPerMessage ?? 0)} µs CPU/msg`,
    `${Math.round(run.peakRssMb ?? 0)} MB peak RSS`,
    `${(run.requestsPerMessage ?? 0).toFixed(3)} req/msg`,
    run.child !== undefined && run.child.errors > 0
      ? `${run.child.errors} errors (${run.child.firstError})`
      : '',
  ]
    .filter((part) => part !== '')
    .join(', ');
}

async function runMicroChild(): Promise<MicroResult> {
  const child = forkBenchChild('micro', [String(microMessages), String(repetitions)], childEnv(undefined));
  const result = await new Promise<MicroResult>((resolve, reject) => {
    child.process.once('message', (message: MicroResult) => resolve(message));
    child.process.once('exit', (code) =>
      reject(new Error(`microbenchmark exited (${code}): ${child.output()}`)),
    );
  });
  await waitForExit(child.process, 10_000);
  return result;
}

const startedAt = new Date();
log(
  `loafer benchmark (${mode}): ${scenarios.map((scenario) => scenario.id).join(', ')}; ${repetitions} repetition(s)`,
);
const machine = machineInfo();
log(`${machine.cpuCount} × ${machine.cpuModel}, Node ${machine.node}, fauxqs ${machine.packages.fauxqs}`);

const buildStartedAt = performance.now();
prepareChildren();
log(`children transpiled to .tmp/bench-build in ${Math.round(performance.now() - buildStartedAt)} ms`);
const server = await ServerControl.start();
const seeder = new SqsJsonClient({
  endpoint: server.endpoint,
  connections: 8,
  isSigned: false,
  region: 'us-east-1',
});
const scenarioResults: ScenarioResults[] = [];
const failures: string[] = [];
const idle: IdleRecord[] = [];
try {
  for (const scenario of scenarios) {
    const messages = messagesOverride ?? (isSmoke ? scenario.smokeMessages : scenario.messages);
    log(`\n## ${scenario.id}: ${scenario.title} (${messages} messages)`);
    const runs: RunRecord[] = [];
    for (let repetition = 1; repetition <= repetitions; repetition++) {
      for (const contender of rotate(scenario.contenders, repetition - 1)) {
        const run = await runConsumer({ server, seeder, scenario, contender, messages, repetition });
        runs.push(run);
        log(`  [${repetition}/${repetitions}] ${contender.padEnd(18)} ${describeRun(run)}`);
        if (!run.ok)
          failures.push(`${scenario.id} / ${contender} / repetition ${repetition}: ${run.failure}`);
      }
    }
    scenarioResults.push({
      scenario,
      messages,
      runs,
      summaries: scenario.contenders.map((contender) => summarizeContender(contender, runs)),
    });
  }
  if (idleSeconds > 0) {
    log(`\n## idle: loafer on an empty queue, requests counted for ${idleSeconds} s`);
    const record = await runIdle({
      server,
      contender: 'loafer',
      concurrency: IDLE_CONCURRENCY,
      seconds: idleSeconds,
    });
    idle.push(record);
    log(
      record.ok
        ? `  loafer             ${record.receivesPerMinute.toFixed(1)} receives/minute (${JSON.stringify(record.requests)})`
        : `  loafer             FAILED: ${record.failure}`,
    );
    if (!record.ok) failures.push(`idle / loafer: ${record.failure}`);
  }
} finally {
  await seeder.close();
  await server.stop();
}

let micro: MicroResult | undefined;
if (isMicroRun) {
  log(`\n## in-memory microbenchmark (${microMessages} messages)`);
  micro = await runMicroChild();
  for (const variant of micro.variants) {
    log(
      `  ${variant.id.padEnd(14)} ${variant.microsPerMessage.map((value) => value.toFixed(3)).join(', ')} µs/msg`,
    );
  }
}

const finishedAt = new Date();
const results: BenchResults = {
  mode,
  command,
  startedAt: startedAt.toISOString(),
  finishedAt: finishedAt.toISOString(),
  durationSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
  repetitions,
  machine,
  scenarios: scenarioResults,
  idle,
  micro,
  failures,
};

mkdirSync(resultsDir, { recursive: true });
const stamp = mode === 'full' ? '' : `${mode}-${startedAt.toISOString().replaceAll(':', '-').slice(0, 19)}-`;
const resultsPath = `${resultsDir}${stamp}results.json`;
const chartPath = `${resultsDir}${stamp}headline.svg`;
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(chartPath, renderBarChart(headlineChart(results)));
log(`\n${resultsMarkdown(results)}`);
log(`results: ${relative(root, resultsPath)}; chart: ${relative(root, chartPath)}`);
if (mode === 'full') {
  const docsDir = fileURLToPath(new URL('../docs/', import.meta.url));
  writeFileSync(
    docsPath,
    performanceDoc(results, relative(docsDir, chartPath), relative(docsDir, resultsPath)),
  );
  log(`docs: ${relative(root, docsPath)}`);
}
log(`took ${(results.durationSeconds / 60).toFixed(1)} minutes`);
if (failures.length > 0) {
  log(`\n${failures.length} run(s) failed:\n${failures.map((failure) => `- ${failure}`).join('\n')}`);
  process.exitCode = 1;
}
