// The SQS endpoint disappears for a few seconds under a real service process (blackhole: nothing
// answers; refuse: connection refused) and comes back. Scenario in test/reliability/outage.ts; the
// full run (`npm run reliability`) uses 60 s outages.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { OutageResult } from '../reliability/outage.js';
import { runOutage } from '../reliability/outage.js';

const OUTAGE_MS = 5000;

function outage(mode: 'blackhole' | 'refuse'): Promise<OutageResult> {
  return runOutage({
    mode,
    outageMs: OUTAGE_MS,
    waitTimeSeconds: 1,
    requestTimeoutMs: 2000,
    // Longer than the outage and the ack retries, so that a receipt is still valid when its delete
    // gets through after the return.
    visibilityTimeoutSeconds: 9,
    inFlightAtCut: 10,
    sentDuringOutage: 20,
    settleDeadlineMs: 30_000,
    workDir: join(tmpdir(), 'loafer-reliability'),
  });
}

function assertOutageHandled(result: OutageResult): void {
  const summary = JSON.stringify(result);
  assert.equal(result.stayedUp, true, summary);
  // One error when fetching starts to fail; the repeats are debug lines.
  assert.deepEqual(result.errorLines, { 'fetch failed: retrying with backoff': 1 }, summary);
  // About one attempt per second: the backoff climbs to 1-2 s within the first second of the outage.
  assert.ok(result.receiveAttemptsPerSecond <= 1.5, summary);
  assert.ok(result.recoveredAfterMs !== undefined && result.recoveredAfterMs < 5000, summary);
  assert.ok(result.firstHandledAfterMs !== undefined && result.firstHandledAfterMs < 5000, summary);
  assert.equal(result.acksReportedNotSent, 0, summary);
  assert.equal(result.deletesWithoutSuccess, 0, summary);
  assert.equal(result.lost, 0, summary);
  assert.equal(result.deleted, result.seeded, summary);
}

describe('SQS endpoint outage', () => {
  it('rides out a blackhole: stays up, one error, about one receive per second, resumes, no false acks', async (t) => {
    const result = await outage('blackhole');
    t.diagnostic(JSON.stringify(result));

    assertOutageHandled(result);
    assert.ok(result.receivesOnWire >= 1, JSON.stringify(result));
  });

  it('rides out refused connections: stays up, one error, about one receive per second, resumes, no false acks', async (t) => {
    const result = await outage('refuse');
    t.diagnostic(JSON.stringify(result));

    assertOutageHandled(result);
    assert.ok(result.failedFetches >= 2, JSON.stringify(result));
    // Deletes refused during the outage failed: their messages came back and were handled again.
    assert.equal(result.acksFailed, result.duplicates, JSON.stringify(result));
  });
});
