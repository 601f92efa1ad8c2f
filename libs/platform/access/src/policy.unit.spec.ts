import { ACCESS_ACTIONS, type AccessAction } from './actions';
import { decideAccess, type AccessResource, type MemberRelations } from './policy';
import { principalOf, type Principal } from './principal';

const now = new Date('2026-12-04T12:00:00.000Z');
const relations = (overrides: Partial<MemberRelations> = {}): MemberRelations => ({
  careTeam: [{ clinicianId: 'clin_psy_01', activeUntil: null }],
  facilitatorIds: ['fac_01'],
  emergencyAccess: [],
  withdrawn: false,
  ...overrides,
});
const member = (overrides: Partial<MemberRelations> = {}): AccessResource => ({
  kind: 'member',
  memberId: 'mbr_synthetic_0001',
  relations: relations(overrides),
});
const person = (role: 'clinician' | 'facilitator' | 'programme-lead' | 'admin', id: string): Principal => ({
  kind: 'person',
  role,
  id,
});
const system = (scope: string): Principal => principalOf({ sub: 'ehr-client', scope })!;

describe('the access policy', () => {
  it('lets a clinician on the care team read and write the member, and no other clinician', () => {
    for (const action of ['member.alerts.read', 'member.medication.write', 'member.outcomes.read'] as const) {
      expect(decideAccess(person('clinician', 'clin_psy_01'), action, member(), now)).toEqual({ effect: 'allow' });
      expect(decideAccess(person('clinician', 'clin_other_01'), action, member(), now)).toMatchObject({
        effect: 'deny',
        reason: 'not-on-care-team',
      });
    }
  });

  it('ends care-team access when the period ends, and at once when the member has withdrawn', () => {
    const ended = member({ careTeam: [{ clinicianId: 'clin_psy_01', activeUntil: '2026-12-04T11:59:59.000Z' }] });
    const ongoing = member({ careTeam: [{ clinicianId: 'clin_psy_01', activeUntil: '2026-12-05T00:00:00.000Z' }] });
    expect(decideAccess(person('clinician', 'clin_psy_01'), 'member.alerts.read', ended, now)).toMatchObject({
      effect: 'deny',
      reason: 'not-on-care-team',
    });
    expect(decideAccess(person('clinician', 'clin_psy_01'), 'member.alerts.read', ongoing, now)).toEqual({
      effect: 'allow',
    });
    expect(
      decideAccess(person('clinician', 'clin_psy_01'), 'member.alerts.read', member({ withdrawn: true }), now),
    ).toMatchObject({ reason: 'member-withdrawn' });
    expect(
      decideAccess(person('facilitator', 'fac_01'), 'member.alerts.read', member({ withdrawn: true }), now),
    ).toMatchObject({ reason: 'member-withdrawn' });
  });

  it('opens a member to a clinician in an emergency until the grant expires', () => {
    const grant = (expiresAt: string) => member({ emergencyAccess: [{ clinicianId: 'clin_er_01', expiresAt }] });
    expect(
      decideAccess(person('clinician', 'clin_er_01'), 'member.alerts.read', grant('2026-12-04T13:00:00.000Z'), now),
    ).toEqual({ effect: 'allow' });
    expect(
      decideAccess(person('clinician', 'clin_er_01'), 'member.alerts.read', grant('2026-12-04T12:00:00.000Z'), now),
    ).toMatchObject({ effect: 'deny' });
    expect(decideAccess(person('clinician', 'clin_er_01'), 'member.emergency-access.open', member(), now)).toEqual({
      effect: 'allow',
    });
    expect(decideAccess(person('facilitator', 'fac_01'), 'member.emergency-access.open', member(), now)).toMatchObject({
      effect: 'deny',
      reason: 'role-not-allowed',
    });
  });

  it('gives a facilitator of the member’s group the facilitator copy (allow-redacted), never the clinician copy', () => {
    expect(decideAccess(person('facilitator', 'fac_01'), 'member.alerts.read', member(), now)).toEqual({
      effect: 'allow-redacted',
    });
    expect(decideAccess(person('facilitator', 'fac_01'), 'member.timeline.read', member(), now)).toEqual({
      effect: 'allow-redacted',
    });
    expect(decideAccess(person('facilitator', 'fac_01'), 'member.outcomes.read', member(), now)).toEqual({
      effect: 'allow',
    });
    expect(decideAccess(person('facilitator', 'fac_02'), 'member.alerts.read', member(), now)).toMatchObject({
      effect: 'deny',
      reason: 'not-facilitator',
    });
    for (const action of [
      'member.medication.write',
      'member.communications.read',
      'alert.deliveries.read',
      'referral.read',
      'member.load.read',
      'cds.feedback',
    ] as const) {
      expect(
        decideAccess(
          person('facilitator', 'fac_01'),
          action,
          action.startsWith('cds') ? { kind: 'service' } : member(),
          now,
        ),
      ).toMatchObject({ effect: 'deny' });
    }
  });

  it('never lets a facilitator get allow (unredacted) on any action that carries medication detail', () => {
    const medicationBearing: AccessAction[] = [
      'member.alerts.read',
      'alert.act',
      'member.timeline.read',
      'member.communications.read',
      'alert.deliveries.read',
      'member.medication.write',
    ];
    for (const action of medicationBearing)
      expect(decideAccess(person('facilitator', 'fac_01'), action, member(), now).effect).not.toBe('allow');
  });

  it('gives programme leads aggregates only, and admins the audit trail and operations, never a member', () => {
    const memberActions = (Object.keys(ACCESS_ACTIONS) as AccessAction[]).filter(
      (action) => ACCESS_ACTIONS[action].on === 'member',
    );
    for (const action of memberActions.filter((action) => action !== 'care-team.write')) {
      expect(decideAccess(person('programme-lead', 'lead_01'), action, member(), now)).toMatchObject({
        effect: 'deny',
        reason: 'role-not-allowed',
      });
      expect(decideAccess(person('admin', 'adm_01'), action, member(), now)).toMatchObject({
        effect: 'deny',
        reason: 'role-not-allowed',
      });
    }
    expect(decideAccess(person('programme-lead', 'lead_01'), 'cohort.read', { kind: 'service' }, now)).toEqual({
      effect: 'allow',
    });
    expect(decideAccess(person('admin', 'adm_01'), 'audit.read', { kind: 'service' }, now)).toEqual({
      effect: 'allow',
    });
    expect(decideAccess(person('admin', 'adm_01'), 'cohort.read', { kind: 'service' }, now)).toMatchObject({
      effect: 'deny',
    });
  });

  it('lets only admins and CareTeam-scoped clients change a care team: a clinician cannot add themselves', () => {
    expect(decideAccess(person('clinician', 'clin_psy_01'), 'care-team.write', member(), now)).toMatchObject({
      effect: 'deny',
    });
    expect(decideAccess(person('clinician', 'clin_other_01'), 'care-team.write', member(), now)).toMatchObject({
      effect: 'deny',
    });
    expect(decideAccess(person('admin', 'adm_01'), 'care-team.write', member(), now)).toEqual({ effect: 'allow' });
    expect(decideAccess(system('system/CareTeam.u'), 'care-team.write', member(), now)).toEqual({ effect: 'allow' });
  });

  it('checks SMART v2 system scopes per action: an unrelated scope reads nothing', () => {
    expect(decideAccess(system('system/Patient.rs'), 'member.alerts.read', member(), now)).toMatchObject({
      effect: 'deny',
      reason: 'scope-not-granted',
    });
    expect(decideAccess(system('system/Communication.rs'), 'member.alerts.read', member(), now)).toEqual({
      effect: 'allow',
    });
    expect(decideAccess(system('system/*.cruds'), 'member.alerts.read', member(), now)).toEqual({ effect: 'allow' });
    expect(decideAccess(system('system/Communication.rs'), 'cds.feedback', { kind: 'service' }, now)).toMatchObject({
      effect: 'deny',
    });
    expect(decideAccess(system('system/*.cruds'), 'member.emergency-access.open', member(), now)).toMatchObject({
      effect: 'deny',
    });
  });

  it('limits "own" actions to the person themselves', () => {
    expect(
      decideAccess(
        person('clinician', 'clin_psy_01'),
        'clinician.inbox.read',
        { kind: 'self', personId: 'clin_psy_01' },
        now,
      ),
    ).toEqual({ effect: 'allow' });
    expect(
      decideAccess(
        person('clinician', 'clin_psy_01'),
        'clinician.inbox.read',
        { kind: 'self', personId: 'clin_other_01' },
        now,
      ),
    ).toMatchObject({ reason: 'not-self' });
    expect(
      decideAccess(
        person('facilitator', 'fac_01'),
        'facilitator.sessions.read',
        { kind: 'self', personId: 'fac_02' },
        now,
      ),
    ).toMatchObject({ reason: 'not-self' });
  });

  it('refuses tokens that name no principal, and resources of the wrong kind', () => {
    expect(principalOf({ sub: 'x', role: 'superuser' })).toBeUndefined();
    expect(principalOf({ sub: 'x' })).toBeUndefined();
    expect(decideAccess(undefined, 'member.alerts.read', member(), now)).toMatchObject({ reason: 'no-principal' });
    expect(
      decideAccess(person('clinician', 'clin_psy_01'), 'member.alerts.read', { kind: 'service' }, now),
    ).toMatchObject({ reason: 'wrong-resource' });
  });

  it('lets the gateway acting for itself read only what is about no member', () => {
    const gateway = principalOf({ sub: 'carecircle-gateway' })!;
    expect(gateway).toEqual({ kind: 'gateway' });
    expect(decideAccess(gateway, 'group.read', { kind: 'group', groupId: 'grp_1', facilitatorIds: [] }, now)).toEqual({
      effect: 'allow',
    });
    expect(decideAccess(gateway, 'member.alerts.read', member(), now)).toMatchObject({ effect: 'deny' });
  });
});
