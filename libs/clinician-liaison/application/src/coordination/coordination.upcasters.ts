import type { Upcaster } from '@carecircle/platform/event-store';

/**
 * How clinician-liaison reads its coordination events written by earlier releases. Each step is one
 * event type's move from one schema version to the next; the store applies them on every read.
 */
export const coordinationUpcasters: readonly Upcaster[] = [
  // v2 keeps a planned end (`activeUntil`, from a FHIR CareTeam period); v1 assignments were open-ended.
  {
    type: 'CareTeamMemberAssigned',
    fromVersion: 1,
    upcast: (data) => ({ ...data, activeUntil: data['activeUntil'] ?? null }),
  },
];
