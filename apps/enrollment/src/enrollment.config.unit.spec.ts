import { readEnrollmentConfig } from './enrollment.config';

describe('enrollment configuration', () => {
  it("takes the support-group referral codes of EHR ServiceRequests from ENROLLMENT_EHR_REFERRAL_CODES, the contract fixture's code by default", () => {
    expect(readEnrollmentConfig({}).ehrReferralCodes).toEqual(['1259213000']);
    expect(readEnrollmentConfig({ ENROLLMENT_EHR_REFERRAL_CODES: '1259213000, 390869002' }).ehrReferralCodes).toEqual([
      '1259213000',
      '390869002',
    ]);
  });

  it('refuses codes that are not SNOMED CT identifiers, naming the variable', () => {
    expect(() => readEnrollmentConfig({ ENROLLMENT_EHR_REFERRAL_CODES: 'support-group' })).toThrow(
      /ENROLLMENT_EHR_REFERRAL_CODES/,
    );
  });
});
