import { ehrConsentActions, ehrConsentLapse, EHR_CONSENT_ACTOR, EHR_CONSENT_AGREEMENT } from './ehr-consent';
import type { EhrConsentState, NotedEvidence } from './ehr-intake';
import type { ConsentDetails, ConsentKind } from '../referral/referral';

const noted = (
  resourceId: string,
  consent: ConsentKind,
  state: EhrConsentState,
  signedAt = '2026-03-01T00:00:00.000Z',
): NotedEvidence => ({ resourceId, revision: 1, evidence: { kind: 'consent', consent, state, signedAt } });
const fromEhr = (kind: ConsentKind, signedAt = '2026-03-01T00:00:00.000Z'): ConsentDetails => ({
  kind,
  agreementVersion: EHR_CONSENT_AGREEMENT,
  sharingScope: [],
  recordedBy: EHR_CONSENT_ACTOR,
  signedAt,
});
const byStaff: ConsentDetails = {
  kind: 'treatment',
  agreementVersion: '2026-01',
  sharingScope: ['psychiatrist'],
  recordedBy: 'staff_01',
  signedAt: '2026-02-01T10:00:00Z',
};
const now = new Date('2026-03-05T12:00:00Z');
const scores: NotedEvidence = {
  resourceId: 'obs',
  revision: 1,
  evidence: { kind: 'scores', administeredAt: '2026-03-01T00:00:00.000Z', phq9Total: 4 },
};

describe('FHIR Consents as the consents a referral holds', () => {
  it('records each granted kind the referral lacks, whatever was just noted (a referral arriving after its consents)', () => {
    const evidence = [
      noted('c-t', 'treatment', 'granted'),
      noted('c-p', 'confidentiality-agreement', 'granted'),
      scores,
    ];
    expect(ehrConsentActions(evidence, 'referral', {}, now)).toEqual([
      { type: 'record', consent: fromEhr('treatment') },
      { type: 'record', consent: fromEhr('confidentiality-agreement') },
    ]);
    expect(ehrConsentActions(evidence, 'referral', { treatment: fromEhr('treatment') }, now)).toEqual([
      { type: 'record', consent: fromEhr('confidentiality-agreement') },
    ]);
  });

  it('replaces what the referral holds only when the granting Consent is the one just noted; other evidence leaves a staff-recorded consent alone', () => {
    const evidence = [noted('c-t', 'treatment', 'granted', '2026-03-04T00:00:00.000Z')];
    expect(ehrConsentActions(evidence, 'obs', { treatment: byStaff }, now)).toEqual([]);
    expect(ehrConsentActions(evidence, 'c-t', { treatment: byStaff }, now)).toEqual([
      { type: 'record', consent: fromEhr('treatment', '2026-03-04T00:00:00.000Z') },
    ]);
  });

  it('withdraws a kind when the Consent just noted withdraws it and no other Consent grants it', () => {
    const withdrawn = noted('c-t', 'treatment', 'withdrawn');
    expect(ehrConsentActions([withdrawn], 'c-t', { treatment: fromEhr('treatment') }, now)).toEqual([
      { type: 'withdraw', kind: 'treatment' },
    ]);
    // Repeated (a redelivery) even when already withdrawn, so the seat is freed after a crash between the steps.
    expect(ehrConsentActions([withdrawn], 'c-t', {}, now)).toEqual([{ type: 'withdraw', kind: 'treatment' }]);
    // Another active treatment Consent still grants it.
    expect(
      ehrConsentActions(
        [withdrawn, noted('c-t2', 'treatment', 'granted')],
        'c-t',
        { treatment: fromEhr('treatment') },
        now,
      ),
    ).toEqual([]);
    // A withdrawal not just noted does not undo a later staff consent; a pending Consent changes nothing.
    expect(ehrConsentActions([withdrawn, scores], 'obs', { treatment: byStaff }, now)).toEqual([]);
    expect(ehrConsentActions([noted('c-d', 'treatment', 'pending')], 'c-d', { treatment: byStaff }, now)).toEqual([]);
  });

  it("a grant whose period has ended no longer grants: not recorded, nor kept by another Consent's arrival", () => {
    const ending = (endsAt: string, resourceId = 'c-t'): NotedEvidence => ({
      resourceId,
      revision: 1,
      evidence: {
        kind: 'consent',
        consent: 'treatment',
        state: 'granted',
        signedAt: '2026-03-01T00:00:00.000Z',
        endsAt,
      },
    });
    expect(ehrConsentActions([ending('2026-03-05T12:00:00.000Z')], 'referral', {}, now)).toEqual([]);
    expect(ehrConsentActions([ending('2026-03-05T12:00:00.001Z')], 'referral', {}, now)).toEqual([
      { type: 'record', consent: fromEhr('treatment') },
    ]);
    // The ended grant just redelivered withdraws nothing by itself: its lapse does (below).
    expect(
      ehrConsentActions([ending('2026-03-04T00:00:00.000Z')], 'c-t', { treatment: fromEhr('treatment') }, now),
    ).toEqual([]);
  });
});

describe("a FHIR Consent's provision period ending", () => {
  const ending = (endsAt: string | undefined, resourceId = 'c-t', revision = 1): NotedEvidence => ({
    resourceId,
    revision,
    evidence: {
      kind: 'consent',
      consent: 'treatment',
      state: 'granted',
      signedAt: '2026-03-01T00:00:00.000Z',
      ...(endsAt ? { endsAt } : {}),
    },
  });
  const held = { treatment: fromEhr('treatment') };

  it('withdraws the consent it granted once the end has passed, not before', () => {
    expect(ehrConsentLapse([ending('2026-03-05T11:00:00.000Z'), scores], 'c-t', held, now)).toEqual([
      { type: 'withdraw', kind: 'treatment' },
    ]);
    expect(ehrConsentLapse([ending('2026-03-05T12:00:00.000Z')], 'c-t', held, now)).toEqual([
      { type: 'withdraw', kind: 'treatment' },
    ]);
    expect(ehrConsentLapse([ending('2026-03-05T12:00:00.001Z')], 'c-t', held, now)).toEqual([]);
    // Repeated after the withdrawal (the referral holds none), so the seat is freed after a crash between the steps.
    expect(ehrConsentLapse([ending('2026-03-05T11:00:00.000Z')], 'c-t', {}, now)).toEqual([
      { type: 'withdraw', kind: 'treatment' },
    ]);
  });

  it('is cancelled by a newer revision that extends, removes or withdraws the end, by another granting Consent, or by a REST re-consent', () => {
    expect(ehrConsentLapse([ending('2026-04-01T00:00:00.000Z', 'c-t', 2)], 'c-t', held, now)).toEqual([]);
    expect(ehrConsentLapse([ending(undefined, 'c-t', 2)], 'c-t', held, now)).toEqual([]);
    // Withdrawn by a newer revision: the inactive Consent withdrew it when it arrived, not the lapse.
    expect(ehrConsentLapse([noted('c-t', 'treatment', 'withdrawn')], 'c-t', held, now)).toEqual([]);
    expect(ehrConsentLapse([ending('2026-03-04T00:00:00.000Z'), ending(undefined, 'c-t2')], 'c-t', held, now)).toEqual(
      [],
    );
    expect(
      ehrConsentLapse(
        [ending('2026-03-04T00:00:00.000Z'), ending('2026-03-04T00:00:00.000Z', 'c-t2')],
        'c-t',
        held,
        now,
      ),
    ).toEqual([{ type: 'withdraw', kind: 'treatment' }]);
    expect(ehrConsentLapse([ending('2026-03-04T00:00:00.000Z')], 'c-t', { treatment: byStaff }, now)).toEqual([]);
    // Evidence that is not that Consent (unknown resource, a score) lapses nothing.
    expect(ehrConsentLapse([ending('2026-03-04T00:00:00.000Z'), scores], 'obs', held, now)).toEqual([]);
    expect(ehrConsentLapse([], 'c-t', held, now)).toEqual([]);
  });
});
