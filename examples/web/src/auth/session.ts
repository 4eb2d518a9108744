// The signed-in session: tokens kept in localStorage (shared by the app's tabs) and their refresh.
//
// Refresh tokens are single use, and presenting a used one ends the whole session (reuse detection). Tabs
// share one pair, so two tabs refreshing at once would end it: a refresh runs under a Web Lock that all tabs
// of the origin share, and a tab that gets the lock after another has refreshed takes the new token instead
// of refreshing again.
import { print } from 'graphql';
import { RefreshTokenMutation } from '../operations.ts';
import type { AuthFieldsFragment, RefreshTokenMutation as RefreshTokenResult } from '../gql/graphql.ts';

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** ISO-8601. */
  accessTokenExpiresAt: string;
  userId: string;
  email: string;
}

const STORAGE_KEY = 'taskapi.session';
const LOCK_NAME = 'taskapi.refresh';
/** Refresh this long before the access token expires, so a request or a socket never starts with a dying one. */
const EXPIRY_MARGIN_MS = 30_000;

type Listener = (session: Session | null) => void;
const listeners = new Set<Listener>();

export function currentSession(): Session | null {
  const raw = localStorage.getItem(STORAGE_KEY);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Session;
  } catch {
    return null;
  }
}

export function startSession(payload: AuthFieldsFragment): Session {
  const session: Session = {
    accessToken: payload.accessToken,
    refreshToken: payload.refreshToken,
    accessTokenExpiresAt: payload.accessTokenExpiresAt,
    userId: payload.user.id,
    email: payload.user.email,
  };
  store(session);
  return session;
}

export function endSession(): void {
  store(null);
}

/** Calls `listener` whenever this tab or another one signs in, refreshes or signs out. */
export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Another tab wrote the session (signed in, refreshed or signed out).
window.addEventListener('storage', (event) => {
  if (event.key === STORAGE_KEY) notify(currentSession());
});

function store(session: Session | null): void {
  if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else localStorage.removeItem(STORAGE_KEY);
  notify(session);
}

function notify(session: Session | null): void {
  for (const listener of listeners) listener(session);
}

/** An access token that is not about to expire (refreshed first when it is), or null when signed out. */
export async function validAccessToken(): Promise<string | null> {
  const session = currentSession();
  if (!session) return null;
  if (Date.parse(session.accessTokenExpiresAt) - Date.now() > EXPIRY_MARGIN_MS) return session.accessToken;
  return refreshAccessToken(session.accessToken);
}

/**
 * A new access token after `rejected` was refused (or is expiring), or null when the session is over (the
 * refresh token was refused: the user signs in again).
 */
export async function refreshAccessToken(rejected: string): Promise<string | null> {
  return exclusively(async () => {
    const session = currentSession();
    if (!session) return null;
    // Another tab (or an earlier request of this one) already replaced the rejected token.
    if (session.accessToken !== rejected) return session.accessToken;
    let result: RefreshTokenResult['refreshToken'];
    try {
      result = await requestRefresh(session.refreshToken);
    } catch {
      // Offline or the server is down: keep the session, the caller's request fails as it would have.
      return null;
    }
    if (result.__typename === 'AuthPayload') return startSession(result).accessToken;
    endSession();
    return null;
  });
}

/**
 * Runs `task` while no other tab of the origin runs one. Web Locks exist in secure contexts only (https, or
 * localhost); elsewhere only this tab's own refreshes are queued one after another.
 */
let localQueue: Promise<unknown> = Promise.resolve();
function exclusively<T>(task: () => Promise<T>): Promise<T> {
  if ('locks' in navigator) return navigator.locks.request(LOCK_NAME, task);
  const run = localQueue.then(task, task);
  localQueue = run.catch(() => {});
  return run;
}

/**
 * `refreshToken` over plain fetch, not through Apollo's link chain (whose error link calls this), and
 * without an Authorization header: a request carrying a bad access token is refused whole.
 */
async function requestRefresh(refreshToken: string): Promise<RefreshTokenResult['refreshToken']> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({
      operationName: 'RefreshToken',
      query: print(RefreshTokenMutation),
      variables: { input: { refreshToken } },
    }),
  });
  const body = (await response.json()) as { data?: RefreshTokenResult | null };
  if (!body.data) throw new Error(`refreshToken failed with HTTP ${response.status}`);
  return body.data.refreshToken;
}
