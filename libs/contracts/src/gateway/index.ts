// gateway's integration events: definitions (defineEvent) in ./gateway-events.ts, one fixture each in
// ./gateway-fixtures.ts. Add every definition to gatewayEvents so the contract test covers it.
export const gatewayEvents = [] as const;
export const gatewayFixtures = {};
