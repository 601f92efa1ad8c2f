// Integration and e2e tests talk to real databases, brokers and processes on a small machine:
// a generous bound per test (each test's own waits say what they wait for), never an expected timing.
jest.setTimeout(Number(process.env.CARECIRCLE_SLOW_TEST_TIMEOUT_MS ?? 240_000));
