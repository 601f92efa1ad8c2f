export * from './policy/enrollment-policy';
export * from './screening/screening';
export * from './referral/referral';
export * from './referral/referral.decider';
export * from './group-seats/group-seats';
export * from './group-seats/group-seats.decider';
export * from './matching/matching';
