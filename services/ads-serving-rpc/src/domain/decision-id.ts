import { randomBytes } from 'node:crypto';

// Decision ids: a random per-process prefix and a counter, unique across instances and far
// cheaper than a UUID per call (the URLs are signed, so ids need not be unguessable).
/** Length of the per-process prefix of decision ids (6 random bytes in base64url). */
export const DECISION_PREFIX_LENGTH = 8;

/** This process's prefix: its decision ids and its spend leases begin with it. */
export const processPrefix = randomBytes(6).toString('base64url');
let decisionCounter = 0;

/** The prefix of the process that made a decision. */
export function decisionOrigin(decisionId: string): string {
  return decisionId.slice(0, DECISION_PREFIX_LENGTH);
}

/** A new decision id of this process. */
export function nextDecisionId(): string {
  decisionCounter += 1;
  return `${processPrefix}${decisionCounter.toString(36)}`;
}

/** Whether this process made the decision (its ids share the process's prefix). */
export function isOwnDecision(decisionId: string): boolean {
  return decisionOrigin(decisionId) === processPrefix;
}
