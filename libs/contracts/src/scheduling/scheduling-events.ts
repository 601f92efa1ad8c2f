import { z } from 'zod';
import { defineEvent, memberIdSchema } from '../envelope';
import { Topics } from '../topics';

/**
 * Scheduling's integration events. Subjects: `grp_…` for events about a group or its sessions,
 * `mbr_…` for events about one member (attendance, dose, therapeutic load, conflicts).
 * No street address, video link, name or free text travels on the bus.
 */
const instant = z.string().datetime({ offset: true });

const schedulingGroupIdSchema = z.string().regex(/^grp_[A-Za-z0-9_-]{1,64}$/, 'must be a group id (grp_…)');
const groupTypeSchema = z.enum(['disease-specific', 'stage-specific', 'general-emotional-support']);
const groupOpennessSchema = z.enum(['open', 'closed']);
const groupModalitySchema = z.enum(['in-person', 'online', 'hybrid']);
const groupCadenceSchema = z.enum(['weekly', 'biweekly', 'monthly']);
const attendanceStatusSchema = z.enum(['attended-in-person', 'attended-online', 'absent', 'excused']);
const therapeuticContactKindSchema = z.enum(['cbt', 'psychiatry', 'palliative', 'individual-counseling']);
/** Everything counted in a member's therapeutic load: group sessions plus the other contacts. */
const loadContactKindSchema = z.enum(['group-session', 'cbt', 'psychiatry', 'palliative', 'individual-counseling']);
const sessionCancellationReasonSchema = z.enum([
  'facilitator-unavailable',
  'venue-unavailable',
  'holiday',
  'low-attendance',
  'group-closed',
  'other',
]);

/** The group as the catalogue knows it; GroupFormed and GroupChanged carry the whole current description. */
const groupDescriptionSchema = z.object({
  groupId: schedulingGroupIdSchema,
  groupType: groupTypeSchema,
  /** e.g. "cancer"; a coded condition category, never a member's diagnosis. */
  condition: z.string().min(1).max(64).optional(),
  /** e.g. "post-surgical-recovery". */
  stage: z.string().min(1).max(64).optional(),
  seats: z.number().int().min(6).max(12),
  openness: groupOpennessSchema,
  modality: groupModalitySchema,
  /** Opaque location id for in-person and hybrid groups; the address stays in scheduling. */
  locationId: z.string().min(1).max(64).nullable(),
  /** Whether an online/hybrid group has a video link; the link itself stays in scheduling. */
  hasVideoLink: z.boolean(),
  facilitatorIds: z.array(z.string().min(1).max(64)).min(1),
  ageBand: z.object({ min: z.number().int().min(0).max(120), max: z.number().int().min(0).max(120) }),
  cadence: groupCadenceSchema,
  sessionMinutes: z.number().int().min(90).max(120),
  courseWeeks: z.number().int().min(8).max(12),
  firstSessionAt: instant,
  /** IANA time zone the sessions are planned in, e.g. "Europe/Berlin". */
  timeZone: z.string().min(1),
});

export const GroupFormed = defineEvent({
  type: 'GroupFormed',
  schemaVersion: 1,
  topic: Topics.scheduling,
  payload: groupDescriptionSchema.extend({ formedAt: instant }),
});

export const GroupChanged = defineEvent({
  type: 'GroupChanged',
  schemaVersion: 1,
  topic: Topics.scheduling,
  payload: groupDescriptionSchema.extend({ changedFields: z.array(z.string().min(1)).min(1), changedAt: instant }),
});

export const GroupClosed = defineEvent({
  type: 'GroupClosed',
  schemaVersion: 1,
  topic: Topics.scheduling,
  payload: z.object({
    groupId: schedulingGroupIdSchema,
    reason: z.enum(['course-completed', 'too-few-members', 'facilitator-unavailable', 'other']),
    closedAt: instant,
  }),
});

const sessionFacts = {
  groupId: schedulingGroupIdSchema,
  sessionId: z.string().min(1).max(96),
  /** 1-based position in the course. */
  sequence: z.number().int().positive(),
  startsAt: instant,
  endsAt: instant,
  timeZone: z.string().min(1),
};

export const SessionScheduled = defineEvent({
  type: 'SessionScheduled',
  schemaVersion: 1,
  topic: Topics.scheduling,
  payload: z.object(sessionFacts),
});

export const SessionRescheduled = defineEvent({
  type: 'SessionRescheduled',
  schemaVersion: 1,
  topic: Topics.scheduling,
  payload: z.object({ ...sessionFacts, previousStartsAt: instant, previousEndsAt: instant }),
});

export const SessionCancelled = defineEvent({
  type: 'SessionCancelled',
  schemaVersion: 1,
  topic: Topics.scheduling,
  payload: z.object({ ...sessionFacts, reason: sessionCancellationReasonSchema }),
});

const attendanceFacts = {
  memberId: memberIdSchema,
  groupId: schedulingGroupIdSchema,
  sessionId: z.string().min(1).max(96),
  sessionStartsAt: instant,
  status: attendanceStatusSchema,
  /** Sessions this member has attended in this group after this fact (in person or online). */
  sessionsAttended: z.number().int().min(0),
};

export const AttendanceRecorded = defineEvent({
  type: 'AttendanceRecorded',
  schemaVersion: 1,
  topic: Topics.scheduling,
  payload: z.object({ ...attendanceFacts, recordedAt: instant }),
});

export const AttendanceCorrected = defineEvent({
  type: 'AttendanceCorrected',
  schemaVersion: 1,
  topic: Topics.scheduling,
  payload: z.object({ ...attendanceFacts, previousStatus: attendanceStatusSchema, correctedAt: instant }),
});

export const DoseReached = defineEvent({
  type: 'DoseReached',
  schemaVersion: 1,
  topic: Topics.scheduling,
  payload: z.object({
    memberId: memberIdSchema,
    groupId: schedulingGroupIdSchema,
    sessionsAttended: z.number().int().min(0),
    /** The configured dose (default 6). */
    doseSessions: z.number().int().positive(),
    reachedAt: instant,
  }),
});

export const OffTrackForDose = defineEvent({
  type: 'OffTrackForDose',
  schemaVersion: 1,
  topic: Topics.scheduling,
  payload: z.object({
    memberId: memberIdSchema,
    groupId: schedulingGroupIdSchema,
    sessionsAttended: z.number().int().min(0),
    sessionsHeld: z.number().int().min(0),
    sessionsRemaining: z.number().int().min(0),
    doseSessions: z.number().int().positive(),
    /** unreachable: even attending every remaining session misses the dose; unlikely: the current rate misses it. */
    reason: z.enum(['unreachable', 'unlikely-at-current-rate']),
    assessedAt: instant,
  }),
});

const contactFacts = {
  memberId: memberIdSchema,
  contactId: z.string().min(1).max(96),
  kind: therapeuticContactKindSchema,
  start: instant,
  end: instant,
};

export const TherapeuticContactBooked = defineEvent({
  type: 'TherapeuticContactBooked',
  schemaVersion: 1,
  topic: Topics.scheduling,
  payload: z.object({ ...contactFacts, bookedAt: instant }),
});

export const TherapeuticContactChanged = defineEvent({
  type: 'TherapeuticContactChanged',
  schemaVersion: 1,
  topic: Topics.scheduling,
  payload: z.object({ ...contactFacts, previousStart: instant, previousEnd: instant, changedAt: instant }),
});

export const TherapeuticContactCancelled = defineEvent({
  type: 'TherapeuticContactCancelled',
  schemaVersion: 1,
  topic: Topics.scheduling,
  payload: z.object({ ...contactFacts, cancelledAt: instant }),
});

export const TherapeuticLoadChanged = defineEvent({
  type: 'TherapeuticLoadChanged',
  schemaVersion: 1,
  topic: Topics.scheduling,
  payload: z.object({
    memberId: memberIdSchema,
    /** The busiest rolling 7-day window touched by the change: [windowStart, windowEnd). */
    windowStart: instant,
    windowEnd: instant,
    /** Structured therapeutic contacts in that window, group sessions included. */
    contacts: z.number().int().min(0),
    byKind: z.record(loadContactKindSchema, z.number().int().min(0)),
    /** The configured cap (default 3). */
    cap: z.number().int().positive(),
    overCap: z.boolean(),
    changedAt: instant,
  }),
});

export const SchedulingConflictDetected = defineEvent({
  type: 'SchedulingConflictDetected',
  schemaVersion: 1,
  topic: Topics.scheduling,
  payload: z.object({
    memberId: memberIdSchema,
    groupId: schedulingGroupIdSchema,
    sessionId: z.string().min(1).max(96),
    sessionStartsAt: instant,
    sessionEndsAt: instant,
    contactId: z.string().min(1).max(96),
    contactKind: therapeuticContactKindSchema,
    contactStart: instant,
    contactEnd: instant,
    /** overlap: the two intersect; too-close: the gap is under the configured window. */
    conflict: z.enum(['overlap', 'too-close']),
    gapMinutes: z.number().int().min(0),
    windowMinutes: z.number().int().min(0),
    detectedAt: instant,
  }),
});

/**
 * A reported clash that no longer holds: the member left the group, the session or the contact moved
 * or was cancelled. Names the detection it closes (contact and session, each at its reported time).
 */
export const SchedulingConflictResolved = defineEvent({
  type: 'SchedulingConflictResolved',
  schemaVersion: 1,
  topic: Topics.scheduling,
  payload: SchedulingConflictDetected.payload
    .pick({
      memberId: true,
      groupId: true,
      sessionId: true,
      sessionStartsAt: true,
      contactId: true,
      contactKind: true,
      contactStart: true,
    })
    .extend({ resolvedAt: instant }),
});

/**
 * A rolling window once published over the cap (TherapeuticLoadChanged with overCap) now holds no
 * more than the cap, e.g. after the member left a group: the overload is over. The window is the
 * one reported, [windowStart, windowEnd); `contacts` is what it holds now.
 */
export const TherapeuticOverloadResolved = defineEvent({
  type: 'TherapeuticOverloadResolved',
  schemaVersion: 1,
  topic: Topics.scheduling,
  payload: TherapeuticLoadChanged.payload
    .pick({ memberId: true, windowStart: true, windowEnd: true, contacts: true, cap: true })
    .extend({ resolvedAt: instant }),
});

/** Scheduling's shared enums and shapes, namespaced so they never clash with other services' exports. */
export const schedulingSchemas = {
  groupId: schedulingGroupIdSchema,
  groupType: groupTypeSchema,
  openness: groupOpennessSchema,
  modality: groupModalitySchema,
  cadence: groupCadenceSchema,
  attendanceStatus: attendanceStatusSchema,
  therapeuticContactKind: therapeuticContactKindSchema,
  loadContactKind: loadContactKindSchema,
  sessionCancellationReason: sessionCancellationReasonSchema,
  groupDescription: groupDescriptionSchema,
} as const;

export const schedulingEvents = [
  GroupFormed,
  GroupChanged,
  GroupClosed,
  SessionScheduled,
  SessionRescheduled,
  SessionCancelled,
  AttendanceRecorded,
  AttendanceCorrected,
  DoseReached,
  OffTrackForDose,
  TherapeuticContactBooked,
  TherapeuticContactChanged,
  TherapeuticContactCancelled,
  TherapeuticLoadChanged,
  SchedulingConflictDetected,
  SchedulingConflictResolved,
  TherapeuticOverloadResolved,
] as const;
