import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { createApiClient, type ApiClient } from '../api/api-client';
import type { Principal } from '../api/entities';

/** Where the REST API lives: the same origin that serves the dashboard. */
export const API_BASE_URL = '/api/v1';

// sessionStorage: the key lives as long as the tab, is not shared with other tabs and is not
// sent anywhere but in the Authorization header.
const STORAGE_KEY = 'ads.dashboard.session';

interface StoredSession {
  apiKey: string;
  principal: Principal;
}

export interface Session extends StoredSession {
  api: ApiClient;
  isAdmin: boolean;
  signOut: (reason?: string) => void;
}

function readStoredSession(): StoredSession | null {
  try {
    const text = window.sessionStorage.getItem(STORAGE_KEY);
    if (text === null) return null;
    const parsed = JSON.parse(text) as Partial<StoredSession>;
    if (typeof parsed.apiKey !== 'string' || typeof parsed.principal?.role !== 'string') return null;
    return parsed as StoredSession;
  } catch {
    return null;
  }
}

interface SessionState {
  session: Session | null;
  signedOutReason: string | null;
  signIn: (apiKey: string) => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [stored, setStored] = useState<StoredSession | null>(readStoredSession);
  const [signedOutReason, setSignedOutReason] = useState<string | null>(null);

  const signOut = useCallback((reason?: string) => {
    window.sessionStorage.removeItem(STORAGE_KEY);
    setStored(null);
    setSignedOutReason(reason ?? null);
  }, []);

  const signIn = useCallback(async (apiKey: string) => {
    const probe = createApiClient({ baseUrl: API_BASE_URL, apiKey });
    const { data: principal } = await probe.get<Principal>('/me');
    const next = { apiKey, principal };
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    setSignedOutReason(null);
    setStored(next);
  }, []);

  const session = useMemo<Session | null>(() => {
    if (stored === null) return null;
    const api = createApiClient({
      baseUrl: API_BASE_URL,
      apiKey: stored.apiKey,
      onUnauthorized: (problem) => signOut(`Signed out: ${problem.detail}`),
    });
    return { ...stored, api, isAdmin: stored.principal.role === 'admin', signOut };
  }, [stored, signOut]);

  const value = useMemo(() => ({ session, signedOutReason, signIn }), [session, signedOutReason, signIn]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionState(): SessionState {
  const state = useContext(SessionContext);
  if (state === null) throw new Error('useSessionState needs a SessionProvider');
  return state;
}

/** The signed-in session; only used under the signed-in layout. */
export function useSession(): Session {
  const { session } = useSessionState();
  if (session === null) throw new Error('useSession needs a signed-in session');
  return session;
}
