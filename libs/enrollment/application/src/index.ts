export * from './request-context';
export * from './receive-referral/receive-referral.handler';
export * from './enrol-member/enrol-member.handler';
export * from './integration-events/to-integration-event';
