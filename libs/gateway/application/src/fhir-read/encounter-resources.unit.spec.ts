import { OutboundFhirSystems } from '@carecircle/contracts';
import { attendanceThreads, attendanceToEncounter, GROUP_PSYCHOTHERAPY } from './encounter-resources';
import { expectValidFhir, stored } from './fhir-read.fixtures';

const formed = stored('GroupFormed', 1);
const scheduled = stored('SessionScheduled', 2);
const recorded = stored('AttendanceRecorded', 3); // absent at session 2
const corrected = stored('AttendanceCorrected', 4); // then attended online
const otherMember = stored('AttendanceRecorded', 5, {
  subject: 'mbr_synthetic_0002',
  payload: { memberId: 'mbr_synthetic_0002', status: 'attended-in-person' },
});
const known = new Map([['mbr_synthetic_0001', 'ehr-patient-17']]);

describe('group-session attendance as FHIR Encounters (one per member, CPT 90853)', () => {
  it('files each member’s attendance on their own chart: Patient subject, CPT 90853, AMB, facilitators, session period', () => {
    const events = [formed, scheduled, recorded, corrected, otherMember];
    const threads = attendanceThreads(events);
    expect(threads.map((thread) => thread.memberId)).toEqual(['mbr_synthetic_0001', 'mbr_synthetic_0002']);
    const encounter = attendanceToEncounter(threads[0]!, events, known);
    expectValidFhir(encounter);
    expect(encounter).toMatchObject({
      resourceType: 'Encounter',
      id: recorded.eventId,
      meta: { versionId: '3', lastUpdated: corrected.receivedAt },
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      type: [
        { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '90853' }] },
        { coding: [{ code: 'attended-online' }] },
      ],
      subject: { reference: 'Patient/ehr-patient-17' },
      participant: [
        { individual: { identifier: { system: OutboundFhirSystems.facilitator, value: 'fac_synthetic_sw_01' } } },
      ],
      appointment: [{ reference: 'Appointment/grp.cancer.tuesday-s02' }],
      period: { start: '2026-03-24T17:00:00.000Z', end: '2026-03-24T18:30:00.000Z' },
      location: [{ location: { identifier: { value: 'loc_oncology_day_clinic_room_2' } } }],
    });
    expect(encounter.type?.[0]?.coding).toEqual([GROUP_PSYCHOTHERAPY]);
    // The EHR's Patient reference never stands beside the pseudonym, and no other attendee is named.
    expect(JSON.stringify(encounter)).not.toMatch(/mbr_/);
  });

  it('an absence is a cancelled Encounter, and a member without a known EHR identity is named by member id', () => {
    const encounter = attendanceToEncounter(
      attendanceThreads([formed, scheduled, recorded])[0]!,
      [formed, scheduled],
      new Map(),
    );
    expectValidFhir(encounter);
    expect(encounter).toMatchObject({
      status: 'cancelled',
      subject: { identifier: { system: OutboundFhirSystems.member, value: 'mbr_synthetic_0001' } },
    });
  });

  it('needs the first AttendanceRecorded: a correction alone starts no Encounter', () => {
    expect(attendanceThreads([corrected])).toEqual([]);
  });
});
