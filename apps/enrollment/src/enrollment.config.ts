import { z } from 'zod';
import { defaultEnrollmentPolicy, type EnrollmentPolicy } from '@carecircle/enrollment/domain';
import { DEFAULT_EHR_REFERRAL_CODES } from '@carecircle/enrollment/application';
import { readServiceEnv } from '@carecircle/platform/service-kit';

export const ENROLLMENT_CONFIG = Symbol('ENROLLMENT_CONFIG');

export interface EnrollmentConfig {
  policy: EnrollmentPolicy;
  /** How often due offers are checked (0 disables the poll). */
  offerPollMs: number;
  /** SNOMED CT codes of an EHR ServiceRequest that refer a member to a support group. */
  ehrReferralCodes: readonly string[];
}

const count = z.coerce.number({ error: 'must be a number' }).int().min(0);
const cadences = z.enum(['weekly', 'biweekly', 'monthly']);
const d = defaultEnrollmentPolicy;

/** DOMAIN.md's thresholds with their documented defaults; each can be overridden by an environment variable. */
export const enrollmentSettingsEnv = {
  ENROLLMENT_PTSD_PCL5_THRESHOLD: count
    .default(d.ptsdPcl5Threshold)
    .describe('PCL-5 score at or above which PTSD is suggested (provisional PTSD 31-33).'),
  ENROLLMENT_SEVERE_ANXIETY_GAD7_THRESHOLD: count
    .default(d.severeAnxietyGad7Threshold)
    .describe('GAD-7 score at or above which anxiety is severe.'),
  ENROLLMENT_PHQ9_ITEM9_HOLD_ABOVE: count
    .default(d.phq9Item9HoldAbove)
    .describe('PHQ-9 item 9 answer above which placement is held.'),
  ENROLLMENT_SMALL_GROUP_MAX_SEATS: count
    .default(d.smallGroupMaxSeats)
    .describe('Severe anxiety: groups of at most this many seats.'),
  ENROLLMENT_LOW_FREQUENCY_CADENCES: z
    .string()
    .default(d.lowFrequencyCadences.join(','))
    .transform((value) => value.split(',').map((item) => cadences.parse(item.trim())))
    .describe('Severe anxiety: only groups meeting at these cadences (comma-separated: weekly, biweekly, monthly).'),
  ENROLLMENT_SEAT_OFFER_TTL_HOURS: z.coerce
    .number({ error: 'must be a number' })
    .positive()
    .default(d.seatOfferTtlHours)
    .describe('A seat offered from the waitlist lapses after this many hours.'),
  ENROLLMENT_OFFER_POLL_MS: count
    .default(30_000)
    .describe('How often due offers are checked (ms); 0 disables the poll.'),
  ENROLLMENT_EHR_REFERRAL_CODES: z
    .string()
    .default(DEFAULT_EHR_REFERRAL_CODES.join(','))
    .transform((value) => value.split(',').map((code) => code.trim()))
    .pipe(z.array(z.string().regex(/^\d{6,18}$/, 'must be SNOMED CT codes (digits), comma-separated')).min(1))
    .describe('Comma-separated SNOMED CT codes of an EHR ServiceRequest that refer a member to a support group.'),
};

export function readEnrollmentConfig(env: NodeJS.ProcessEnv = process.env): EnrollmentConfig {
  const parsed = readServiceEnv(enrollmentSettingsEnv, env);
  return {
    policy: {
      ptsdPcl5Threshold: parsed.ENROLLMENT_PTSD_PCL5_THRESHOLD,
      severeAnxietyGad7Threshold: parsed.ENROLLMENT_SEVERE_ANXIETY_GAD7_THRESHOLD,
      phq9Item9HoldAbove: parsed.ENROLLMENT_PHQ9_ITEM9_HOLD_ABOVE,
      smallGroupMaxSeats: parsed.ENROLLMENT_SMALL_GROUP_MAX_SEATS,
      lowFrequencyCadences: parsed.ENROLLMENT_LOW_FREQUENCY_CADENCES,
      seatOfferTtlHours: parsed.ENROLLMENT_SEAT_OFFER_TTL_HOURS,
    },
    offerPollMs: parsed.ENROLLMENT_OFFER_POLL_MS,
    ehrReferralCodes: parsed.ENROLLMENT_EHR_REFERRAL_CODES,
  };
}
