// One Jest run, three tiers told apart by file suffix (see README "Tests").
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swcrc.$schema;

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.data/'],
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  testResultsProcessor: '<rootDir>/tools/jest/write-results.js',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.unit.spec.ts'] },
    // Real databases, brokers and processes on a 2-core machine: generous bounds, never expected timings.
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int.spec.ts'],
      slowTestThreshold: 30,
      setupFilesAfterEnv: ['<rootDir>/tools/jest/slow-tier-timeout.js'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.e2e.spec.ts'],
      slowTestThreshold: 120,
      setupFilesAfterEnv: ['<rootDir>/tools/jest/slow-tier-timeout.js'],
    },
  ],
};
