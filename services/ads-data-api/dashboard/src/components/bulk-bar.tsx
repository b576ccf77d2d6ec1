import { useState } from 'react';
import { ApiProblem } from '../api/api-problem';
import { ProblemBanner } from './problem-banner';

/** An action on several rows, e.g. pausing the selected campaigns. */
export interface BulkAction<T> {
  label: string;
  /** Whether the action applies to a row (others are left as they are, and counted). */
  appliesTo: (row: T) => boolean;
  /** Runs the action on one row; the bar runs it on each selected row in turn. */
  run: (row: T) => Promise<void>;
}

/**
 * The buttons that act on the selected rows: each row on its own (the same request as its
 * page's button), so that one refusal names its row and does not stop the others.
 */
export function BulkBar<T extends { id: string; name?: string }>({
  actions,
  rows,
  onDone,
  testId,
}: {
  actions: BulkAction<T>[];
  rows: T[];
  onDone: () => void;
  testId: string;
}) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ text: string; problem: ApiProblem | null } | null>(null);

  async function runAll(action: BulkAction<T>) {
    setBusy(true);
    setOutcome(null);
    const applicable = rows.filter((row) => action.appliesTo(row));
    const failures: string[] = [];
    let lastProblem: ApiProblem | null = null;
    for (const row of applicable) {
      try {
        await action.run(row);
      } catch (error) {
        lastProblem = error instanceof ApiProblem ? error : new ApiProblem(0, 'CLIENT', (error as Error).message);
        failures.push(`${row.name ?? row.id}: ${lastProblem.detail}`);
      }
    }
    const skipped = rows.length - applicable.length;
    const done = applicable.length - failures.length;
    const text = `${action.label}: ${done} done${skipped > 0 ? `, ${skipped} left as they were` : ''}${failures.length > 0 ? `, ${failures.length} refused` : ''}.`;
    setOutcome({
      text,
      problem: failures.length > 0 ? new ApiProblem(lastProblem?.status ?? 0, lastProblem?.code ?? 'CLIENT', failures.join('; ')) : null,
    });
    setBusy(false);
    onDone();
  }

  return (
    <div className="bulk-bar" data-testid={testId}>
      <span className="muted">{rows.length === 0 ? 'Select rows to act on several at once.' : `${rows.length} selected`}</span>
      {actions.map((action) => (
        <button
          key={action.label}
          type="button"
          className="button button-small"
          disabled={busy || !rows.some((row) => action.appliesTo(row))}
          onClick={() => void runAll(action)}
          data-testid={`${testId}-${action.label.toLowerCase().replace(/\W+/g, '-')}`}
        >
          {action.label}
        </button>
      ))}
      {outcome && (
        <span role="status" data-testid={`${testId}-outcome`}>
          {outcome.text}
        </span>
      )}
      <ProblemBanner problem={outcome?.problem ?? null} testId={`${testId}-problem`} />
    </div>
  );
}
