// A node:test reporter that counts the tests (not the suites) that passed and failed, as JSON.
export default async function* countReporter(source) {
  const counts = { tests: 0, passed: 0, failed: 0 };
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    counts.tests += 1;
    if (event.type === 'test:pass') counts.passed += 1;
    else counts.failed += 1;
  }
  yield `${JSON.stringify(counts)}\n`;
}
