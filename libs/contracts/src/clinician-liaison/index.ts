// clinician-liaison's integration events: definitions (defineEvent) in ./clinician-liaison-events.ts, one fixture each in
// ./clinician-liaison-fixtures.ts. Add every definition to clinicianLiaisonEvents so the contract test covers it.
export const clinicianLiaisonEvents = [] as const;
export const clinicianLiaisonFixtures = {};
