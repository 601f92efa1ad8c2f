import { randomUUID } from 'node:crypto';

/** HTTP helpers for the enrollment → scheduling slice, as an EHR integration would call it. */
export interface RosterResponse {
  groupId: string;
  members: { memberId: string; status: string }[];
  enrolmentsApplied: number;
}

export async function enrol(enrollmentUrl: string, memberId: string, groupId: string): Promise<void> {
  const referralId = randomUUID();
  await postJson(`${enrollmentUrl}/api/referrals`, {
    referralId,
    memberId,
    referringClinicianId: 'clin_e2e_01',
    wantedGroupType: 'general-emotional-support',
    modalityPreference: 'online',
    memberRole: 'patient',
  });
  await postJson(`${enrollmentUrl}/api/referrals/${referralId}/enrolment`, { groupId });
}

/**
 * Enrols `count` members with bounded concurrency. Returns the members whose enrolment was accepted
 * (202) and those whose request failed (e.g. the service was killed mid-request).
 */
export async function enrolMany(
  enrollmentUrl: () => string,
  groupId: string,
  count: number,
  concurrency = 8,
): Promise<{ accepted: string[]; failed: string[] }> {
  const members = Array.from({ length: count }, (_, i) => `mbr_e2e_${groupId}_${String(i).padStart(4, '0')}`);
  const accepted: string[] = [];
  const failed: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < members.length) {
      const memberId = members[next++]!;
      try {
        await enrol(enrollmentUrl(), memberId, groupId);
        accepted.push(memberId);
      } catch {
        failed.push(memberId);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { accepted, failed };
}

export async function roster(schedulingUrl: string, groupId: string): Promise<RosterResponse> {
  const response = await fetch(`${schedulingUrl}/api/scheduling/groups/${groupId}/roster`);
  if (!response.ok) throw new Error(`roster of ${groupId}: HTTP ${response.status}`);
  return (await response.json()) as RosterResponse;
}

async function postJson(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 202) throw new Error(`POST ${new URL(url).pathname}: HTTP ${response.status} ${await response.text()}`);
}
