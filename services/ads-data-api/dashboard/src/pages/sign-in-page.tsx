import { useState, type FormEvent } from 'react';
import { ApiProblem } from '../api/api-problem';
import { ProblemBanner } from '../components/problem-banner';
import { useSessionState } from '../session/session';

/** Sign in with an API key: checked with `GET /me`, then kept for this tab only. */
export function SignInPage() {
  const { signIn, signedOutReason } = useSessionState();
  const [apiKey, setApiKey] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    const key = apiKey.trim();
    if (key === '') {
      setProblem(new ApiProblem(0, 'FORM', 'enter an API key'));
      return;
    }
    setBusy(true);
    try {
      await signIn(key);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'CLIENT', (error as Error).message));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={(event) => void handleSubmit(event)} data-testid="sign-in-form">
        <h1>Ads dashboard</h1>
        <p className="muted">Sign in with an API key (admin or advertiser). It is kept in this browser tab only.</p>
        {signedOutReason && (
          <div className="banner banner-info" role="status">
            {signedOutReason}
          </div>
        )}
        <ProblemBanner problem={problem} testId="sign-in-problem" />
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          data-testid="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="ads_…"
          value={apiKey}
          onChange={(event) => setApiKey(event.target.value)}
        />
        <button type="submit" className="button button-primary" disabled={busy} data-testid="sign-in">
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
