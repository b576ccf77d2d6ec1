import { DataApiError } from '../errors';

/** A rule a write breaks, naming the field it is about (`targeting.siteIds.0`). */
export interface FieldViolation {
  field: string;
  message: string;
}

function fieldIssuesOf(violations: readonly FieldViolation[]) {
  return violations.map((violation) => ({ path: violation.field.split('.'), message: violation.message }));
}

/** 422 naming each bad field. */
export function invalidFields(violations: readonly FieldViolation[]): DataApiError {
  return new DataApiError('VALIDATION_FAILED', violations.map((violation) => `${violation.field}: ${violation.message}`).join('; '), {
    fields: fieldIssuesOf(violations),
  });
}

/** 409 naming each broken rule. */
export function ruleConflict(summary: string, violations: readonly FieldViolation[]): DataApiError {
  return new DataApiError('CONFLICT', `${summary}: ${violations.map((violation) => violation.message).join('; ')}`, {
    fields: fieldIssuesOf(violations),
  });
}
