import { useRef, useState } from 'react';
import { DEFAULT_SERVING_PORT, embedSnippet } from '../domain/embed-snippet';

const SERVING_ORIGIN_KEY = 'ads.dashboard.servingOrigin';

function storedServingOrigin(): string {
  try {
    const stored = window.localStorage.getItem(SERVING_ORIGIN_KEY);
    if (stored) return stored;
  } catch {
    // Storage may be refused (private mode); the default serves as well.
  }
  return `${window.location.protocol}//${window.location.hostname}:${DEFAULT_SERVING_PORT}`;
}

/** The snippet a publisher pastes to show ads of one placement, with a Copy button. */
export function EmbedSnippetPanel({ placementKey }: { placementKey: string }) {
  const [servingOrigin, setServingOrigin] = useState(storedServingOrigin);
  const [copied, setCopied] = useState<string | null>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const snippet = embedSnippet(servingOrigin, placementKey);

  async function copy() {
    try {
      await navigator.clipboard.writeText(snippet);
      setCopied('Copied.');
    } catch {
      // No clipboard access (an insecure origin, a refused permission): select it for Ctrl+C.
      textRef.current?.select();
      setCopied('Selected: press Ctrl+C (⌘C) to copy.');
    }
  }

  return (
    <section className="panel" aria-labelledby="embed-heading" data-testid="embed-snippet">
      <h2 id="embed-heading">Ad code</h2>
      <p className="muted">Paste this where the ad should appear on the publisher’s page.</p>
      <div className="toolbar">
        <label htmlFor="serving-origin">Serving API address</label>
        <input
          id="serving-origin"
          data-testid="serving-origin"
          value={servingOrigin}
          onChange={(event) => {
            setServingOrigin(event.target.value);
            try {
              window.localStorage.setItem(SERVING_ORIGIN_KEY, event.target.value);
            } catch {
              // Not remembered; it still applies to this page.
            }
          }}
        />
      </div>
      <textarea ref={textRef} className="snippet" readOnly rows={3} value={snippet} data-testid="embed-snippet-text" aria-label="Ad code" />
      <div className="button-row">
        <button type="button" className="button button-primary" onClick={() => void copy()} data-testid="embed-snippet-copy">
          Copy
        </button>
        {copied && (
          <span role="status" className="muted" data-testid="embed-snippet-copied">
            {copied}
          </span>
        )}
      </div>
    </section>
  );
}
