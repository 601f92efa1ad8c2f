export * from './referral/referral';
export * from './referral/referral.decider';
