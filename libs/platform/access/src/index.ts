export {
  parseScopes,
  scopeAllows,
  narrowScopes,
  principalAllows,
  type Interaction,
  type Principal as SmartPrincipal,
  type ScopeGrant,
} from './smart-scopes';
export {
  GATEWAY_SUBJECT,
  PERSON_ROLES,
  agentOf,
  isPersonRole,
  principalOf,
  type PersonRole,
  type Principal,
} from './principal';
export {
  ACCESS_ACTIONS,
  isAccessAction,
  ruleOf,
  type AccessAction,
  type ActionRule,
  type ResourceKind,
} from './actions';
export {
  decideAccess,
  isAllowed,
  onCareTeamNow,
  type AccessDecision,
  type AccessResource,
  type DenyReason,
  type MemberRelations,
} from './policy';
export {
  RELATIONSHIP_TOPICS,
  isRelationshipSource,
  relationshipFactsOf,
  type RelationshipFact,
} from './relationship-facts';
export { VerifiedTokenCache, type VerifiedTokenCacheOptions } from './verified-token-cache';
