// scheduling's integration events: definitions (defineEvent) in ./scheduling-events.ts, one fixture each in
// ./scheduling-fixtures.ts. Add every definition to schedulingEvents so the contract test covers it.
export const schedulingEvents = [] as const;
export const schedulingFixtures = {};
