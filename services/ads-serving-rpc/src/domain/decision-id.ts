import { randomBytes } from 'node:crypto';

// Decision ids: a random per-process prefix and a counter, unique across instances and far
// cheaper than a UUID per call (the URLs are signed, so ids need not be unguessable).
const decisionPrefix = randomBytes(6).toString('base64url');
let decisionCounter = 0;

/** A new decision id of this process. */
export function nextDecisionId(): string {
  decisionCounter += 1;
  return `${decisionPrefix}${decisionCounter.toString(36)}`;
}

/** Whether this process made the decision (its ids share the process's prefix). */
export function isOwnDecision(decisionId: string): boolean {
  return decisionId.startsWith(decisionPrefix);
}
