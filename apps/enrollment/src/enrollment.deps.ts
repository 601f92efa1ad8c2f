import type { EnrollmentDeps } from '@carecircle/enrollment/application';

export type { EnrollmentDeps };

export const ENROLLMENT_DEPS = Symbol('ENROLLMENT_DEPS');
