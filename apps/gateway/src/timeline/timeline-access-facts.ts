import { principalAllows, principalOfReader } from '@carecircle/gateway/application';
import type { TimelineViewer } from '@carecircle/gateway/domain';

import { decideAccess, type MemberRelations } from '@carecircle/platform/access';
import { MEMBER_RELATIONS_COLUMNS, memberRelationsOf, type MemberRelationsRow } from '@carecircle/platform/service-kit';
import type { Caller } from '../auth/gateway-authenticator';
import { type Sql } from '@carecircle/platform/event-store';

/** Everything a timeline read's access decision needs about the member. */
export interface TimelineAccessFacts {
  /** Care team, facilitators of the member's groups, emergency access, withdrawal: what the access policy reads. */
  relations: MemberRelations;
  /** The member's MedicationSharingWithFacilitatorChanged: facilitators see medication detail only when true. */
  consentToShareMedication: boolean;
}

/**
 * The member's access relationships and medication-sharing consent in one statement: one round trip on
 * the request's path, and both read from the same snapshot.
 */
export async function timelineAccessFactsOf(sql: Sql, memberId: string): Promise<TimelineAccessFacts> {
  const [row] = await sql<MemberRelationsRow & { share_medication: boolean | null }>(
    `SELECT ${MEMBER_RELATIONS_COLUMNS},
       (SELECT share_medication FROM gateway.timeline_member_sharing WHERE member_id = $1) AS share_medication`,
    [memberId],
  );
  return { relations: memberRelationsOf(row), consentToShareMedication: row?.share_medication === true };
}

/**
 * The reader's view of the member's timeline, or undefined when the shared policy denies
 * `member.timeline.read`: the care team (and SMART clients with `system/MedicationRequest.r`) see
 * everything, every other allowed reader the facilitator view, with medication detail only by consent.
 */
export function timelineViewerOf(
  reader: Caller,
  memberId: string,
  facts: TimelineAccessFacts,
  now: Date,
): TimelineViewer | undefined {
  const decision = decideAccess(
    principalOfReader(reader),
    'member.timeline.read',
    { kind: 'member', memberId, relations: facts.relations },
    now,
  );
  if (decision.effect === 'deny') return undefined;
  if (
    decision.effect === 'allow' &&
    (reader.kind === 'human' || principalAllows({ clientId: reader.id, scope: reader.scope }, 'MedicationRequest', 'r'))
  )
    return { role: 'clinician' };
  return { role: 'facilitator', consentToShareMedication: facts.consentToShareMedication };
}
