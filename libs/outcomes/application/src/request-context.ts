export type { RequestContext } from '@carecircle/shared-kernel';
