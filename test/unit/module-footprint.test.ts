// What loading loafer costs: the lean transport loads undici's pool by a path inside the package (its
// index would load fetch, WebSocket and more), and pino loads only when the default logger is made.
// These tests fail loudly if undici moves that file, or if pino comes back to import time.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);

function loadedModules(script: string): string[] {
  const result = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname },
  );
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '[]') as string[];
}

describe('module footprint', () => {
  it("finds undici's Pool at the path the lean transport loads", () => {
    const Pool = require('undici/lib/dispatcher/pool.js') as { name?: string };

    assert.equal(typeof Pool, 'function');
    assert.equal(Pool.name, 'Pool');
  });

  it('loads neither pino nor undici’s index with loafer/sqs until a default logger is made', () => {
    const script = `
      import { createRequire } from 'node:module';
      await import('loafer');
      await import('loafer/sqs');
      const cache = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify(cache));
    `;

    const modules = loadedModules(script);

    assert.equal(
      modules.some((path) => /[\\/]node_modules[\\/]pino[\\/]/.test(path)),
      false,
    );
    assert.equal(
      modules.some((path) => /[\\/]node_modules[\\/]undici[\\/]index\.js$/.test(path)),
      false,
    );
  });
});
