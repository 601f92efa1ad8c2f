// outcomes's integration events: definitions (defineEvent) in ./outcomes-events.ts, one fixture each in
// ./outcomes-fixtures.ts. Add every definition to outcomesEvents so the contract test covers it.
export const outcomesEvents = [] as const;
export const outcomesFixtures = {};
