/** Alerts are addressed to clinicians: acting on someone else's is forbidden, not a rule violation. */
export const liaisonDomainErrors = { statusByCode: { 'liaison.alert-not-yours': 403 } };
