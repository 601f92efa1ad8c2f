import type { EventOf } from '../envelope';
import {
  AttendanceCorrected,
  AttendanceRecorded,
  DoseReached,
  GroupChanged,
  GroupClosed,
  GroupFormed,
  OffTrackForDose,
  SchedulingConflictDetected,
  SchedulingConflictResolved,
  SessionCancelled,
  SessionRescheduled,
  SessionScheduled,
  TherapeuticContactBooked,
  TherapeuticContactCancelled,
  TherapeuticContactChanged,
  TherapeuticLoadChanged,
  TherapeuticOverloadResolved,
} from './scheduling-events';

/** One synthetic example of every scheduling event. A weekly 8-week Berlin group crossing the March DST change. */
const envelope = {
  schemaVersion: 1,
  occurredAt: '2026-03-02T09:30:00.000Z',
  correlationId: 'corr-sched-01',
  causationId: 'cmd-sched-01',
} as const;
const onGroup = { ...envelope, subject: 'grp_cancer_tuesday' } as const;
const onMember = { ...envelope, subject: 'mbr_synthetic_0001' } as const;

const group = {
  groupId: 'grp_cancer_tuesday',
  groupType: 'disease-specific',
  condition: 'cancer',
  seats: 10,
  openness: 'closed',
  modality: 'hybrid',
  locationId: 'loc_oncology_day_clinic_room_2',
  hasVideoLink: true,
  ageBand: { min: 18, max: 99 },
  cadence: 'weekly',
  sessionMinutes: 90,
  courseWeeks: 8,
  firstSessionAt: '2026-03-17T17:00:00.000Z',
  timeZone: 'Europe/Berlin',
} as const;

const session = {
  groupId: 'grp_cancer_tuesday',
  sessionId: 'grp_cancer_tuesday-s02',
  sequence: 2,
  startsAt: '2026-03-24T17:00:00.000Z',
  endsAt: '2026-03-24T18:30:00.000Z',
  timeZone: 'Europe/Berlin',
} as const;

const attendance = {
  memberId: 'mbr_synthetic_0001',
  groupId: 'grp_cancer_tuesday',
  sessionId: 'grp_cancer_tuesday-s02',
  sessionStartsAt: '2026-03-24T17:00:00.000Z',
} as const;

const contact = {
  memberId: 'mbr_synthetic_0001',
  contactId: 'tc_3f1a2b7c',
  kind: 'cbt',
  start: '2026-03-31T14:00:00.000Z',
  end: '2026-03-31T14:50:00.000Z',
} as const;

export const schedulingFixtures = {
  GroupFormed: {
    ...onGroup,
    eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1a01',
    type: 'GroupFormed',
    payload: { ...group, facilitatorIds: ['fac_synthetic_sw_01'], formedAt: '2026-03-02T09:30:00.000Z' },
  } satisfies EventOf<typeof GroupFormed>,
  GroupChanged: {
    ...onGroup,
    eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1a02',
    type: 'GroupChanged',
    payload: {
      ...group,
      facilitatorIds: ['fac_synthetic_sw_01'],
      seats: 12,
      changedFields: ['seats'],
      changedAt: '2026-03-05T08:00:00.000Z',
    },
  } satisfies EventOf<typeof GroupChanged>,
  GroupClosed: {
    ...onGroup,
    eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1a03',
    type: 'GroupClosed',
    payload: { groupId: 'grp_cancer_tuesday', reason: 'course-completed', closedAt: '2026-05-06T09:00:00.000Z' },
  } satisfies EventOf<typeof GroupClosed>,
  SessionScheduled: {
    ...onGroup,
    eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1a04',
    type: 'SessionScheduled',
    payload: session,
  } satisfies EventOf<typeof SessionScheduled>,
  SessionRescheduled: {
    ...onGroup,
    eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1a05',
    type: 'SessionRescheduled',
    payload: {
      ...session,
      startsAt: '2026-03-25T17:00:00.000Z',
      endsAt: '2026-03-25T18:30:00.000Z',
      previousStartsAt: session.startsAt,
      previousEndsAt: session.endsAt,
    },
  } satisfies EventOf<typeof SessionRescheduled>,
  SessionCancelled: {
    ...onGroup,
    eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1a06',
    type: 'SessionCancelled',
    payload: { ...session, reason: 'holiday' },
  } satisfies EventOf<typeof SessionCancelled>,
  AttendanceRecorded: {
    ...onMember,
    eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1a07',
    type: 'AttendanceRecorded',
    payload: { ...attendance, status: 'absent', sessionsAttended: 1, recordedAt: '2026-03-24T19:00:00.000Z' },
  } satisfies EventOf<typeof AttendanceRecorded>,
  AttendanceCorrected: {
    ...onMember,
    eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1a08',
    type: 'AttendanceCorrected',
    payload: {
      ...attendance,
      previousStatus: 'absent',
      status: 'attended-online',
      sessionsAttended: 2,
      correctedAt: '2026-03-25T08:00:00.000Z',
    },
  } satisfies EventOf<typeof AttendanceCorrected>,
  DoseReached: {
    ...onMember,
    eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1a09',
    type: 'DoseReached',
    payload: {
      memberId: 'mbr_synthetic_0001',
      groupId: 'grp_cancer_tuesday',
      sessionsAttended: 6,
      doseSessions: 6,
      reachedAt: '2026-04-21T19:00:00.000Z',
    },
  } satisfies EventOf<typeof DoseReached>,
  OffTrackForDose: {
    ...onMember,
    eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1a10',
    type: 'OffTrackForDose',
    payload: {
      memberId: 'mbr_synthetic_0001',
      groupId: 'grp_cancer_tuesday',
      sessionsAttended: 1,
      sessionsHeld: 4,
      sessionsRemaining: 4,
      doseSessions: 6,
      reason: 'unreachable',
      assessedAt: '2026-04-07T19:00:00.000Z',
    },
  } satisfies EventOf<typeof OffTrackForDose>,
  TherapeuticContactBooked: {
    ...onMember,
    eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1a11',
    type: 'TherapeuticContactBooked',
    payload: { ...contact, bookedAt: '2026-03-20T10:00:00.000Z' },
  } satisfies EventOf<typeof TherapeuticContactBooked>,
  TherapeuticContactChanged: {
    ...onMember,
    eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1a12',
    type: 'TherapeuticContactChanged',
    payload: {
      ...contact,
      start: '2026-04-01T14:00:00.000Z',
      end: '2026-04-01T14:50:00.000Z',
      previousStart: contact.start,
      previousEnd: contact.end,
      changedAt: '2026-03-21T10:00:00.000Z',
    },
  } satisfies EventOf<typeof TherapeuticContactChanged>,
  TherapeuticContactCancelled: {
    ...onMember,
    eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1a13',
    type: 'TherapeuticContactCancelled',
    payload: { ...contact, cancelledAt: '2026-03-22T10:00:00.000Z' },
  } satisfies EventOf<typeof TherapeuticContactCancelled>,
  TherapeuticLoadChanged: {
    ...onMember,
    eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1a14',
    type: 'TherapeuticLoadChanged',
    payload: {
      memberId: 'mbr_synthetic_0001',
      windowStart: '2026-03-30T22:00:00.000Z',
      windowEnd: '2026-04-06T22:00:00.000Z',
      contacts: 4,
      byKind: { 'group-session': 1, cbt: 2, psychiatry: 1, palliative: 0, 'individual-counseling': 0 },
      cap: 3,
      overCap: true,
      changedAt: '2026-03-20T10:00:00.000Z',
    },
  } satisfies EventOf<typeof TherapeuticLoadChanged>,
  SchedulingConflictDetected: {
    ...onMember,
    eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1a15',
    type: 'SchedulingConflictDetected',
    payload: {
      memberId: 'mbr_synthetic_0001',
      groupId: 'grp_cancer_tuesday',
      sessionId: 'grp_cancer_tuesday-s03',
      sessionStartsAt: '2026-03-31T16:00:00.000Z',
      sessionEndsAt: '2026-03-31T17:30:00.000Z',
      contactId: 'tc_3f1a2b7c',
      contactKind: 'cbt',
      contactStart: '2026-03-31T15:30:00.000Z',
      contactEnd: '2026-03-31T16:20:00.000Z',
      conflict: 'overlap',
      gapMinutes: 0,
      windowMinutes: 60,
      detectedAt: '2026-03-20T10:00:00.000Z',
    },
  } satisfies EventOf<typeof SchedulingConflictDetected>,
  // The member left the group: the clash above and the over-cap window of TherapeuticLoadChanged are over.
  SchedulingConflictResolved: {
    ...onMember,
    eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1a16',
    type: 'SchedulingConflictResolved',
    payload: {
      memberId: 'mbr_synthetic_0001',
      groupId: 'grp_cancer_tuesday',
      sessionId: 'grp_cancer_tuesday-s03',
      sessionStartsAt: '2026-03-31T16:00:00.000Z',
      contactId: 'tc_3f1a2b7c',
      contactKind: 'cbt',
      contactStart: '2026-03-31T15:30:00.000Z',
      resolvedAt: '2026-03-25T10:00:00.000Z',
    },
  } satisfies EventOf<typeof SchedulingConflictResolved>,
  TherapeuticOverloadResolved: {
    ...onMember,
    eventId: '5a0c1e2f-3b4d-4e5f-8a6b-7c8d9e0f1a17',
    type: 'TherapeuticOverloadResolved',
    payload: {
      memberId: 'mbr_synthetic_0001',
      windowStart: '2026-03-30T22:00:00.000Z',
      windowEnd: '2026-04-06T22:00:00.000Z',
      contacts: 3,
      cap: 3,
      resolvedAt: '2026-03-25T10:00:00.000Z',
    },
  } satisfies EventOf<typeof TherapeuticOverloadResolved>,
};
