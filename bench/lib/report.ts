// Turns the results into markdown (printed, and written to docs/performance.md by the full run) and
// into the headline chart.
import type { MicroResult } from '../micro.js';
import type { ContenderId } from './config.js';
import { CONTENDERS } from './config.js';
import type { BenchResults, ContenderSummary, ScenarioResults } from './results.js';
import type { Summary } from './stats.js';
import { summarize } from './stats.js';
import type { Chart } from './svg-chart.js';

function fixed(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function range(summary: Summary | undefined, digits: number): string {
  if (summary === undefined) return '—';
  if (summary.samples.length === 1) return fixed(summary.median, digits);
  return `${fixed(summary.median, digits)} (${fixed(summary.min, digits)}–${fixed(summary.max, digits)})`;
}

function median(summary: Summary | undefined): number | undefined {
  return summary?.median;
}

function find(scenario: ScenarioResults | undefined, contender: ContenderId): ContenderSummary | undefined {
  return scenario?.summaries.find((summary) => summary.contender === contender);
}

function ratio(value: number | undefined, base: number | undefined): string {
  if (value === undefined || base === undefined || base === 0) return '—';
  return `${fixed(value / base, 2)}×`;
}

/** The table of one scenario. */
export function scenarioTable(results: ScenarioResults): string {
  const squiss = median(find(results, 'squiss')?.messagesPerSecond);
  const ceiling = median(find(results, 'plain-http')?.messagesPerSecond);
  const lines = [
    '| contender | msg/s, median (min–max) | × squiss-ts | × ceiling | CPU µs/msg | peak RSS MB | SQS requests/msg | server CPU µs/msg |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const summary of results.summaries) {
    const throughput = median(summary.messagesPerSecond);
    const name = summary.contender === 'loafer' ? `**${summary.label}**` : summary.label;
    const failed = summary.okRuns < summary.runs ? ` ⚠ ${summary.runs - summary.okRuns} failed` : '';
    lines.push(
      `| ${name}${failed} | ${range(summary.messagesPerSecond, 0)} | ${ratio(throughput, squiss)} | ${ratio(throughput, ceiling)} | ${range(summary.cpuMicrosPerMessage, 0)} | ${range(summary.peakRssMb, 0)} | ${range(summary.requestsPerMessage, 3)} | ${range(summary.serverCpuMicrosPerMessage, 0)} |`,
    );
  }
  return lines.join('\n');
}

/** The targets for loafer, checked against this run (informational: nothing asserts them). */
export function targetsTable(results: BenchResults): string {
  const byId = (id: string): ScenarioResults | undefined =>
    results.scenarios.find((scenario) => scenario.scenario.id === id);
  const noop = byId('noop');
  const c500 = byId('io20-c500');
  const backlog = byId('backlog-100k');
  const tput = (scenario: ScenarioResults | undefined, id: ContenderId): number | undefined =>
    median(find(scenario, id)?.messagesPerSecond);
  const rows: Array<[string, number | undefined, number | undefined, string, boolean]> = [];
  const loaferNoop = tput(noop, 'loafer');
  const squissNoop = tput(noop, 'squiss');
  const ceilingNoop = tput(noop, 'plain-http');
  rows.push([
    'noop: ≥ 2.5 × squiss-ts',
    loaferNoop,
    squissNoop === undefined ? undefined : 2.5 * squissNoop,
    'msg/s',
    true,
  ]);
  rows.push([
    'noop: ≥ 0.8 × plain-HTTP ceiling',
    loaferNoop,
    ceilingNoop === undefined ? undefined : 0.8 * ceilingNoop,
    'msg/s',
    true,
  ]);
  rows.push([
    'noop: CPU ≤ 120 µs/message',
    median(find(noop, 'loafer')?.cpuMicrosPerMessage),
    120,
    'µs/msg',
    false,
  ]);
  const loaferC500 = tput(c500, 'loafer');
  const ceilingC500 = tput(c500, 'plain-http');
  const squissC500 = tput(c500, 'squiss');
  rows.push([
    'io20 c500: ≥ 0.8 × min(ceiling, 25,000)',
    loaferC500,
    ceilingC500 === undefined ? undefined : 0.8 * Math.min(ceilingC500, 25_000),
    'msg/s',
    true,
  ]);
  rows.push([
    'io20 c500: ≥ 3 × squiss-ts',
    loaferC500,
    squissC500 === undefined ? undefined : 3 * squissC500,
    'msg/s',
    true,
  ]);
  rows.push([
    'noop (saturated): ≤ 0.21 SQS requests/message',
    median(find(noop, 'loafer')?.requestsPerMessage),
    0.21,
    'req/msg',
    false,
  ]);
  rows.push([
    '100k backlog, c500: peak RSS ≤ 150 MB',
    median(find(backlog, 'loafer')?.peakRssMb),
    150,
    'MB',
    false,
  ]);
  const idle = results.idle.find((record) => record.contender === 'loafer' && record.ok);
  rows.push([
    `idle route (concurrency ${idle?.concurrency ?? '—'}): ~3 receives/minute`,
    idle?.receivesPerMinute,
    3.5,
    'receives/min',
    false,
  ]);
  const overhead = microOverhead(results.micro, 'loafer-memory', 'bare-memory');
  rows.push(['in-memory provider: overhead ≤ 2 µs/message', overhead, 2, 'µs/msg', false]);
  const lines = ['| target | loafer | threshold | met? |', '|---|--:|--:|:-:|'];
  for (const [name, value, threshold, unit, isAtLeast] of rows) {
    const digits =
      unit === 'req/msg'
        ? 3
        : unit === 'receives/min' || (unit === 'µs/msg' && (threshold ?? 0) < 10)
          ? 1
          : 0;
    const met =
      value === undefined || threshold === undefined
        ? '—'
        : (isAtLeast ? value >= threshold : value <= threshold)
          ? 'yes'
          : 'no';
    const shown = value === undefined ? 'not measured' : `${fixed(value, digits)} ${unit}`;
    const limit =
      threshold === undefined ? '—' : `${isAtLeast ? '≥' : '≤'} ${fixed(threshold, digits)} ${unit}`;
    lines.push(`| ${name} | ${shown} | ${limit} | ${met} |`);
  }
  return lines.join('\n');
}

/** Median of `variant` minus median of `base`, µs per message. */
export function microOverhead(
  micro: MicroResult | undefined,
  variant: string,
  base: string,
): number | undefined {
  const of = (id: string): number | undefined =>
    summarize(micro?.variants.find((item) => item.id === id)?.microsPerMessage ?? [])?.median;
  const value = of(variant);
  const baseline = of(base);
  return value === undefined || baseline === undefined ? undefined : value - baseline;
}

/** The microbenchmark's table. */
export function microTable(micro: MicroResult): string {
  const lines = ['| variant | µs/message, median (min–max) |', '|---|--:|'];
  for (const variant of micro.variants) {
    lines.push(`| ${variant.label} | ${range(summarize(variant.microsPerMessage), 3)} |`);
  }
  const array = microOverhead(micro, 'loafer-array', 'bare-array');
  const memory = microOverhead(micro, 'loafer-memory', 'bare-memory');
  const bare = microOverhead(micro, 'loafer-array', 'bare-loop');
  lines.push(
    '',
    `Framework overhead per message (median differences): **${array === undefined ? '—' : fixed(array, 2)} µs** on the O(1) array provider, ` +
      `${memory === undefined ? '—' : fixed(memory, 2)} µs on MemoryProvider, ` +
      `${bare === undefined ? '—' : fixed(bare, 2)} µs against the bare loop without any provider.`,
  );
  return lines.join('\n');
}

/** The transport prototypes side by side: the same loop on four transports. */
export function transportTable(results: BenchResults): string {
  const ids: ContenderId[] = ['sdk-loop', 'sdk-tuned', 'lean-signed', 'plain-http'];
  const lines = [
    '| scenario | transport | msg/s, median (min–max) | × stock SDK | CPU µs/msg | client CPU µs per SQS request |',
    '|---|---|--:|--:|--:|--:|',
  ];
  for (const scenario of results.scenarios) {
    if (!ids.every((id) => scenario.scenario.contenders.includes(id))) continue;
    const stock = median(find(scenario, 'sdk-loop')?.messagesPerSecond);
    for (const id of ids) {
      const summary = find(scenario, id);
      if (summary === undefined) continue;
      lines.push(
        `| ${scenario.scenario.id} | ${summary.label} | ${range(summary.messagesPerSecond, 0)} | ${ratio(median(summary.messagesPerSecond), stock)} | ${range(summary.cpuMicrosPerMessage, 0)} | ${range(summary.cpuMicrosPerRequest, 0)} |`,
      );
    }
  }
  return lines.join('\n');
}

/** The machine table. */
export function machineTable(results: BenchResults): string {
  const machine = results.machine;
  const lines = [
    '| | |',
    '|---|---|',
    `| date | ${results.startedAt.slice(0, 10)} (${results.startedAt}) |`,
    `| CPU | ${machine.cpuModel}, ${machine.cpuCount} cores (\`nproc\`) |`,
    `| memory | ${machine.totalMemoryGb} GB |`,
    `| OS | ${machine.os} |`,
    `| Node | ${machine.node} |`,
  ];
  for (const [name, version] of Object.entries(machine.packages)) lines.push(`| ${name} | ${version} |`);
  lines.push(
    `| repetitions | ${results.repetitions} per scenario, contenders interleaved |`,
    `| duration | ${fixed(results.durationSeconds / 60, 1)} minutes (\`${results.command}\`) |`,
  );
  return lines.join('\n');
}

/** Every scenario's table with its heading, and the failures. */
export function resultsMarkdown(results: BenchResults): string {
  const sections: string[] = [];
  for (const scenario of results.scenarios) {
    sections.push(
      `### ${scenario.scenario.id}: ${scenario.scenario.title}`,
      '',
      `${scenario.messages.toLocaleString('en-US')} messages per run.`,
      '',
      scenarioTable(scenario),
      '',
    );
  }
  if (results.micro !== undefined) {
    sections.push(
      `### in-memory: framework overhead (${results.micro.messages.toLocaleString('en-US')} messages per run)`,
      '',
      microTable(results.micro),
      '',
    );
  }
  if (results.failures.length > 0) {
    sections.push('### Failures', '', ...results.failures.map((failure) => `- ${failure}`), '');
  }
  return sections.join('\n');
}

/** The headline chart: noop and io20-c500 throughput. */
export function headlineChart(results: BenchResults): Chart {
  const panels = results.scenarios
    .filter((scenario) => scenario.scenario.id === 'noop' || scenario.scenario.id === 'io20-c500')
    .map((scenario) => ({
      title: `${scenario.scenario.title} — messages per second`,
      unit: 'msg/s',
      bars: scenario.summaries
        .filter((summary) => summary.messagesPerSecond !== undefined && !summary.isPrototype)
        .map((summary) => {
          const throughput = summary.messagesPerSecond as Summary;
          return {
            label: summary.label,
            value: throughput.median,
            min: throughput.min,
            max: throughput.max,
            isHighlighted: summary.contender === 'loafer',
            isReference: summary.contender === 'plain-http',
          };
        }),
    }));
  const machine = results.machine;
  return {
    title: 'loafer vs the Node SQS consumers, against a local fauxqs',
    subtitle: `${results.startedAt.slice(0, 10)} · ${machine.cpuCount} × ${machine.cpuModel} · Node ${machine.node} · fauxqs ${machine.packages.fauxqs} · ${results.repetitions} repetition${results.repetitions === 1 ? '' : 's'}`,
    panels,
  };
}

/** The contenders and how each is set up. */
export function contendersTable(): string {
  const lines = ['| contender | setup |', '|---|---|'];
  for (const info of Object.values(CONTENDERS)) lines.push(`| ${info.label} | ${info.setup} |`);
  return lines.join('\n');
}
