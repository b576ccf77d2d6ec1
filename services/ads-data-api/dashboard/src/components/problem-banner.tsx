import type { ReactNode } from 'react';
import type { ApiProblem, FieldProblem } from '../api/api-problem';

/** Shows a refusal of the API as a person should read it: what was refused and why. */
export function ProblemBanner({
  problem,
  other = [],
  summary,
  testId = 'problem',
}: {
  problem: ApiProblem | null;
  other?: FieldProblem[];
  /** Said instead of the API's detail, e.g. when every field error is shown at its field. */
  summary?: string;
  testId?: string;
}) {
  if (problem === null) return null;
  return (
    <div className="banner banner-error" role="alert" data-testid={testId}>
      <strong>
        {problem.code === 'NETWORK'
          ? 'Could not reach the API'
          : problem.status === 0
            ? 'Not saved'
            : `Refused (${problem.status} ${problem.code})`}
      </strong>
      <span>: {summary ?? problem.detail}</span>
      {other.length > 0 && (
        <ul>
          {other.map((entry, index) => (
            <li key={index}>{entry.field === '' ? entry.message : `${entry.field}: ${entry.message}`}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Notice({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="banner banner-ok" role="status" data-testid={testId}>
      {children}
    </div>
  );
}
