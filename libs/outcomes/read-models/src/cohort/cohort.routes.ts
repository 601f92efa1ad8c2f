import {
  AttendanceCorrected,
  AttendanceRecorded,
  GroupChanged,
  GroupFormed,
  MeasureCorrected,
  MeasureRecorded,
} from '@carecircle/contracts';
import { on, type EventRoute } from '@carecircle/platform/messaging';
import { projectAttendance, projectGroup, projectMeasure } from './cohort.projection';

const ATTENDED = new Set(['attended-in-person', 'attended-online']);

/**
 * The cohort's projection of each event it reads, and nothing else: the live topic handlers and the
 * rebuild (`rebuildCohort`, in the shadow schema) run these same routes.
 */
export const cohortMeasureRoutes: readonly EventRoute[] = [
  on(MeasureRecorded, (event, tx) => projectMeasure(tx, { ...event.payload, memberId: event.subject })),
  on(MeasureCorrected, (event, tx) => projectMeasure(tx, { ...event.payload, memberId: event.subject })),
];

/** Scheduling's attendance and group descriptions, as the cohort reads them. */
export const cohortSchedulingRoutes: readonly EventRoute[] = [
  on(AttendanceRecorded, (event, tx) =>
    projectAttendance(tx, { ...event.payload, attended: ATTENDED.has(event.payload.status) }),
  ),
  on(AttendanceCorrected, (event, tx) =>
    projectAttendance(tx, { ...event.payload, attended: ATTENDED.has(event.payload.status) }),
  ),
  on(GroupFormed, (event, tx) => projectGroup(tx, { ...event.payload, condition: event.payload.condition ?? null })),
  on(GroupChanged, (event, tx) => projectGroup(tx, { ...event.payload, condition: event.payload.condition ?? null })),
];
