import { randomUUID } from 'node:crypto';
import { fixtures } from '@carecircle/contracts';
import type { TimelineSourceEvent } from '@carecircle/gateway/domain';

/** A member's life as the four services tell it: referral to enrolment, sessions, treatment, an alert's lifecycle, scores. */
export const MEMBER_LIFE = [
  'GroupFormed',
  'ReferralReceived',
  'ScreeningCompleted',
  'ConsentRecorded',
  'MemberEnrolled',
  'SessionScheduled',
  'AttendanceRecorded',
  'DoseReached',
  'TherapeuticContactBooked',
  'TherapeuticLoadChanged',
  'MedicationChanged',
  'CoordinationAlertRaised',
  'AlertAcknowledged',
  'AlertEscalated',
  'AlertResolved',
  'TreatmentPlanUpdated',
  'MeasureRecorded',
  'DeteriorationDetected',
  'SuicidalIdeationReported',
] as const;
const FIXTURE_MEMBER = 'mbr_synthetic_0001';
const FIXTURE_GROUP = 'grp_cancer_tuesday';
const DAY_MS = 86_400_000;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g;

/**
 * Copy `copy` of the contract fixtures' member life (`MEMBER_LIFE`) for `memberId` in `groupId`: every
 * UUID replaced by a fresh one (the same within the copy, so an alert's lifecycle events still name
 * their alert), every instant moved `copy` days later. Synthetic data only.
 */
export function syntheticMemberLife(memberId: string, groupId: string, copy: number): TimelineSourceEvent[] {
  const fresh = new Map<string, string>();
  const text = JSON.stringify(MEMBER_LIFE.map((type) => fixtures[type]))
    .split(FIXTURE_MEMBER)
    .join(memberId)
    .split(FIXTURE_GROUP)
    .join(groupId)
    .replace(UUID, (id) => fresh.get(id) ?? (fresh.set(id, randomUUID()), fresh.get(id)!))
    .replace(INSTANT, (instant) => new Date(Date.parse(instant) + copy * DAY_MS).toISOString());
  return JSON.parse(text) as TimelineSourceEvent[];
}
