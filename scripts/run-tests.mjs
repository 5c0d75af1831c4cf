#!/usr/bin/env node
// Runs the test suite with node:test through tsx and fails when a test fails or when no test ran.
// Node 20's `--test` silently skips `.ts` files in a bare directory, so files are listed here.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const roots = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const passThrough = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
const dirs = roots.length > 0 ? roots : ['test/unit', 'test/integration'];

/** @param {string} path @returns {string[]} */
function collect(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return [];
  if (stat.isFile()) return path.endsWith('.test.ts') ? [path] : [];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => collect(join(path, entry)));
}

const files = dirs.flatMap(collect).map((file) => relative(process.cwd(), file));
if (files.length === 0) {
  console.error(`no test files found under ${dirs.join(', ')}`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'loafer-tests-'));
const countFile = join(work, 'counts.json');
const concurrency = process.env.LOAFER_TEST_CONCURRENCY ?? '3';
const args = [
  '--conditions=source',
  '--import',
  'tsx',
  '--test',
  `--test-concurrency=${concurrency}`,
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/count-reporter.mjs',
  `--test-reporter-destination=${countFile}`,
  ...passThrough,
  ...files,
];

const child = spawn(process.execPath, args, { stdio: 'inherit' });
child.on('exit', (code, signal) => {
  let counts = { tests: 0, passed: 0, failed: 0 };
  try {
    counts = JSON.parse(readFileSync(countFile, 'utf8'));
  } catch {
    // No count file: the runner died before reporting; treated as zero tests below.
  }
  rmSync(work, { recursive: true, force: true });
  console.log(
    `\n${files.length} files, ${counts.tests} tests, ${counts.passed} passed, ${counts.failed} failed`,
  );
  if (signal !== null) {
    console.error(`test runner killed by ${signal}`);
    process.exit(1);
  }
  if (code !== 0) process.exit(code ?? 1);
  if (counts.tests === 0) {
    console.error('zero tests ran: failing');
    process.exit(1);
  }
  if (counts.failed > 0) process.exit(1);
});
