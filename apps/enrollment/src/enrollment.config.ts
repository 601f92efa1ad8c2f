import { z } from 'zod';
import { defaultEnrollmentPolicy, type EnrollmentPolicy } from '@carecircle/enrollment/domain';
import { DEFAULT_EHR_REFERRAL_CODES } from '@carecircle/enrollment/application';

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

/** DOMAIN.md's thresholds with their documented defaults; each can be overridden by an environment variable. */
export function readEnrollmentConfig(env: NodeJS.ProcessEnv = process.env): EnrollmentConfig {
  const d = defaultEnrollmentPolicy;
  const parsed = z
    .object({
      ENROLLMENT_PTSD_PCL5_THRESHOLD: count.default(d.ptsdPcl5Threshold),
      ENROLLMENT_SEVERE_ANXIETY_GAD7_THRESHOLD: count.default(d.severeAnxietyGad7Threshold),
      ENROLLMENT_PHQ9_ITEM9_HOLD_ABOVE: count.default(d.phq9Item9HoldAbove),
      ENROLLMENT_SMALL_GROUP_MAX_SEATS: count.default(d.smallGroupMaxSeats),
      ENROLLMENT_LOW_FREQUENCY_CADENCES: z
        .string()
        .default(d.lowFrequencyCadences.join(','))
        .transform((value) => value.split(',').map((item) => cadences.parse(item.trim()))),
      ENROLLMENT_SEAT_OFFER_TTL_HOURS: z.coerce.number({ error: 'must be a number' }).positive().default(d.seatOfferTtlHours),
      ENROLLMENT_OFFER_POLL_MS: count.default(30_000),
      ENROLLMENT_EHR_REFERRAL_CODES: z
        .string()
        .default(DEFAULT_EHR_REFERRAL_CODES.join(','))
        .transform((value) => value.split(',').map((code) => code.trim()))
        .pipe(z.array(z.string().regex(/^\d{6,18}$/, 'must be SNOMED CT codes (digits), comma-separated')).min(1)),
    })
    .parse(env);
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
