// What the results were measured on: the machine, Node, and the versions of every contender.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, release, totalmem, type } from 'node:os';

/** The machine and software of a benchmark run. */
export interface MachineInfo {
  readonly cpuCount: number;
  readonly cpuModel: string;
  readonly os: string;
  readonly totalMemoryGb: number;
  readonly node: string;
  /** Versions of fauxqs and of the contenders' libraries, by package name. */
  readonly packages: Readonly<Record<string, string>>;
}

const PACKAGES = [
  'fauxqs',
  '@aws-sdk/client-sqs',
  '@smithy/signature-v4',
  'undici',
  'squiss-ts',
  'sqs-consumer',
  'typescript',
] as const;

function packageVersion(name: string): string {
  try {
    const url = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Describes this machine and the installed versions. */
export function machineInfo(): MachineInfo {
  return {
    cpuCount: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    os: `${type()} ${release()}`,
    totalMemoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    packages: Object.fromEntries(PACKAGES.map((name) => [name, packageVersion(name)])),
  };
}
