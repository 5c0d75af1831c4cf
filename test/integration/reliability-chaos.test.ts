// The chaos run at CI size (see test/reliability/chaos.ts and docs/reliability.md): 500 messages, one
// SIGKILL and restart, one short blackhole, failing, hanging and poison handlers. The full run
// (10,000 messages, three kills, 10-20 s cuts) is `npm run reliability`.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runChaos } from '../reliability/chaos.js';
import { contractViolations } from '../reliability/reconcile.js';

const WORK_DIR = join(tmpdir(), 'loafer-reliability');

describe('chaos run (CI size)', () => {
  it('loses nothing and deletes nothing that did not succeed, through a SIGKILL and a cut', async () => {
    const result = await runChaos({
      messages: 500,
      poisonRate: 0.005,
      failRate: 0.1,
      hangRate: 0.05,
      zombieShare: 0.3,
      kills: 1,
      cuts: [{ mode: 'blackhole', durationMs: [3000, 3000] }],
      actionWindow: [0.2, 0.7],
      visibilityTimeoutSeconds: 2,
      maxReceiveCount: 5,
      concurrency: 25,
      waitTimeSeconds: 1,
      requestTimeoutMs: 3000,
      handlerTimeoutMs: 400,
      handlerTimeoutGraceMs: 300,
      retryDelaySeconds: 1,
      workMs: [0, 20],
      seed: 20_261_128,
      deadlineMs: 120_000,
      workDir: WORK_DIR,
    });
    const { figures } = result;
    const summary = JSON.stringify({ ...figures, timeline: result.timeline }, null, 1);

    assert.deepEqual(contractViolations(figures), {}, summary);
    assert.equal(figures.lost, 0, summary);
    assert.equal(figures.ackedWithoutSuccess, 0, summary);
    assert.equal(figures.deletesWithoutSuccess, 0, summary);
    assert.equal(figures.poisonInDlq, figures.poison, summary);
    assert.equal(figures.leftInQueue, 0, summary);
    assert.equal(figures.ackedAfterSuccess + figures.inDlq, figures.seeded, summary);
    assert.equal(result.kills, 1, summary);
    assert.equal(result.cuts.length, 1, summary);
    assert.equal(result.unexpectedExits, 0, summary);
    assert.equal(result.finalExit.code, 0, summary);
    assert.ok((figures.attempts.throw ?? 0) > 0 && (figures.attempts.hang ?? 0) > 0, summary);
    // Kept when the test fails, for the post-mortem.
    rmSync(result.ledgerPath, { force: true });
  });

  it('reports deletes without a successful handling when the service deletes failed messages (negative control)', async () => {
    const result = await runChaos({
      messages: 100,
      poisonRate: 0.02,
      failRate: 0.2,
      hangRate: 0,
      zombieShare: 0,
      kills: 0,
      cuts: [],
      visibilityTimeoutSeconds: 2,
      maxReceiveCount: 5,
      concurrency: 10,
      waitTimeSeconds: 1,
      handlerTimeoutMs: 400,
      handlerTimeoutGraceMs: 300,
      workMs: [0, 5],
      seed: 7,
      deadlineMs: 60_000,
      workDir: WORK_DIR,
      isDeletedOnError: true,
    });
    const violations = contractViolations(result.figures);

    assert.ok((violations.ackedWithoutSuccess ?? 0) > 0, JSON.stringify(result.figures));
    assert.ok((violations.deletesWithoutSuccess ?? 0) > 0, JSON.stringify(result.figures));
    assert.equal(violations.poisonNotInDlq, result.figures.poison, JSON.stringify(result.figures));
  });
});
