import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ERROR_CODES } from 'loafer';

const table = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const documented = [...table.matchAll(/^\| `(LOAFER_ERR_[A-Z_]+)` \|/gm)].map((match) => match[1]);

describe('docs/errors.md', () => {
  it('has one row for every error code', () => {
    const missing = ERROR_CODES.filter((code) => !documented.includes(code));

    assert.deepEqual(missing, [], `add rows to docs/errors.md for: ${missing.join(', ')}`);
  });

  it('has no row for a code that does not exist, and no code twice', () => {
    const unknown = documented.filter((code) => !(ERROR_CODES as readonly string[]).includes(code as string));
    const repeated = documented.filter((code, index) => documented.indexOf(code) !== index);

    assert.deepEqual(unknown, []);
    assert.deepEqual(repeated, []);
  });

  it('fills every column of every row', () => {
    const rows = table.split('\n').filter((line) => line.startsWith('| `LOAFER_ERR_'));
    const incomplete = rows.filter((row) => row.split(' | ').some((cell) => cell.trim().length < 3));

    assert.equal(rows.length, ERROR_CODES.length);
    assert.deepEqual(incomplete, []);
  });
});
