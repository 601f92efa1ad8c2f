// SMART scopes are the access policy's (libs/platform/access): one parser for the gateway and the services.
export {
  parseScopes,
  scopeAllows,
  narrowScopes,
  principalAllows,
  type Interaction,
  type SmartPrincipal as Principal,
} from '@carecircle/platform/access';
