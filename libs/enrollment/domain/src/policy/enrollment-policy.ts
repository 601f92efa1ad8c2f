/** How often a group meets (as scheduling's catalogue says). */
export type Cadence = 'weekly' | 'biweekly' | 'monthly';

/**
 * Every threshold enrollment applies, with DOMAIN.md's defaults. The service reads overrides from its
 * configuration; nothing below is repeated as a literal elsewhere.
 */
export interface EnrollmentPolicy {
  /** PCL-5 at or above this suggests PTSD (provisional PTSD 31-33). */
  ptsdPcl5Threshold: number;
  /** GAD-7 at or above this is severe anxiety. */
  severeAnxietyGad7Threshold: number;
  /** PHQ-9 item 9 above this holds placement. */
  phq9Item9HoldAbove: number;
  /** Severe anxiety: groups of at most this many seats. */
  smallGroupMaxSeats: number;
  /** Severe anxiety: only groups meeting at these cadences. */
  lowFrequencyCadences: readonly Cadence[];
  /** A seat offered from the waitlist lapses after this many hours. */
  seatOfferTtlHours: number;
}

export const defaultEnrollmentPolicy: EnrollmentPolicy = {
  ptsdPcl5Threshold: 31,
  severeAnxietyGad7Threshold: 15,
  phq9Item9HoldAbove: 0,
  smallGroupMaxSeats: 8,
  lowFrequencyCadences: ['biweekly', 'monthly'],
  seatOfferTtlHours: 48,
};
