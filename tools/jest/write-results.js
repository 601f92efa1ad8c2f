// Jest testResultsProcessor: when JEST_RESULTS_DIR is set (.ci/run sets it), each Jest run of `npm test`
// (fast tiers, then e2e) writes its aggregated results there, for the summary line CI prints.
const fs = require('node:fs');
const path = require('node:path');

module.exports = (results) => {
  const dir = process.env.JEST_RESULTS_DIR;
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    const summary = {
      numPassedTests: results.numPassedTests,
      numFailedTests: results.numFailedTests,
      numPendingTests: results.numPendingTests,
      startTime: results.startTime,
      testResults: results.testResults.map((suite) => ({
        name: suite.testFilePath,
        status: suite.numFailingTests ? 'failed' : 'passed',
        startTime: suite.perfStats.start,
        endTime: suite.perfStats.end,
      })),
    };
    fs.writeFileSync(path.join(dir, `jest-results-${process.pid}-${Date.now()}.json`), JSON.stringify(summary));
  }
  return results;
};
