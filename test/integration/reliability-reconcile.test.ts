// The chaos run's reconciliation (test/reliability/reconcile.ts) on hand-made accounts: each figure
// that must be 0 is counted when its failure is present. Pure, no server: it sits with the other
// reliability tests so that the suite's judge is tested where the suite is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LedgerRecord } from '../reliability/ledger.js';
import type { ReconcileInput } from '../reliability/reconcile.js';
import { contractViolations, reconcile } from '../reliability/reconcile.js';

function line(t: 'attempt' | 'success' | 'late', id: string, r: string): LedgerRecord {
  const base = { id, rc: 1, r, pid: 1, at: 0 };
  return t === 'attempt' ? { t, fate: 'ok', ...base } : { t, ...base };
}

/** A clean run: a and b handled and deleted, p (poison) failed into the dead-letter queue. */
function cleanRun(): ReconcileInput {
  return {
    seeded: new Map([
      ['a', { isPoison: false }],
      ['b', { isPoison: false }],
      ['p', { isPoison: true }],
    ]),
    ledger: [
      line('attempt', 'a', 'ra'),
      line('success', 'a', 'ra'),
      line('attempt', 'b', 'rb'),
      line('success', 'b', 'rb'),
      line('attempt', 'p', 'rp'),
    ],
    tornLedgerLines: 0,
    deletedByServer: ['a', 'b'],
    movedToDlqByServer: ['p'],
    leftInQueue: [],
    inDlq: ['p'],
    deleteReceiptsOnWire: ['ra', 'rb'],
  };
}

describe('reconcile()', () => {
  it('reports a clean run with every contract figure at 0', () => {
    const figures = reconcile(cleanRun());

    assert.deepEqual(contractViolations(figures), {});
    assert.equal(figures.ackedAfterSuccess, 2);
    assert.equal(figures.inDlq, 1);
    assert.equal(figures.poisonInDlq, 1);
    assert.equal(figures.duplicateMessages, 0);
  });

  it('counts a message deleted without a successful handling as lost and acked without success', () => {
    const run = cleanRun();
    const figures = reconcile({
      ...run,
      ledger: run.ledger.filter((record) => !(record.id === 'b' && record.t === 'success')),
    });

    assert.deepEqual(contractViolations(figures), {
      lost: 1,
      ackedWithoutSuccess: 1,
      deletesWithoutSuccess: 1,
    });
  });

  it('counts a delete of a delivery that did not succeed, even when another delivery did', () => {
    const run = cleanRun();
    const figures = reconcile({
      ...run,
      ledger: [...run.ledger, line('attempt', 'a', 'ra2'), line('late', 'a', 'ra2')],
      deleteReceiptsOnWire: [...run.deleteReceiptsOnWire, 'ra2'],
    });

    assert.deepEqual(contractViolations(figures), { deletesWithoutSuccess: 1 });
    assert.equal(figures.lateResults, 1);
  });

  it('counts a poison message outside the dead-letter queue, and one that succeeded', () => {
    const run = cleanRun();
    const figures = reconcile({
      ...run,
      ledger: [...run.ledger, line('success', 'p', 'rp')],
      deletedByServer: [...run.deletedByServer, 'p'],
      movedToDlqByServer: [],
      inDlq: [],
    });

    assert.deepEqual(contractViolations(figures), { poisonNotInDlq: 1, poisonSucceeded: 1 });
  });

  it('counts duplicates without calling them violations', () => {
    const run = cleanRun();
    const figures = reconcile({ ...run, ledger: [...run.ledger, line('success', 'a', 'ra3')] });

    assert.deepEqual(contractViolations(figures), {});
    assert.equal(figures.duplicateMessages, 1);
    assert.equal(figures.duplicateHandlings, 1);
  });

  it('counts accounts that disagree: gone from the queues but never deleted by the server', () => {
    const run = cleanRun();
    const figures = reconcile({ ...run, deletedByServer: ['a'] });

    assert.deepEqual(contractViolations(figures), { accountingMismatches: 1 });
  });

  it('reports what is left in the queue without calling it lost', () => {
    const run = cleanRun();
    const figures = reconcile({
      ...run,
      ledger: run.ledger.filter((record) => record.id !== 'b'),
      deletedByServer: ['a'],
      leftInQueue: ['b'],
      deleteReceiptsOnWire: ['ra'],
    });

    assert.deepEqual(contractViolations(figures), {});
    assert.equal(figures.leftInQueue, 1);
  });
});
