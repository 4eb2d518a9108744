// The top of the app: the sign-in form while signed out, the workspace while signed in (in any tab).
import { useEffect, useState } from 'react';
import { currentSession, onSessionChange } from '../auth/session.ts';
import { SignIn } from './SignIn.tsx';
import { Workspace } from './Workspace.tsx';

export function App() {
  const [session, setSession] = useState(currentSession);
  useEffect(() => onSessionChange(setSession), []);
  // Keyed by user: another account gets a new client and an empty cache.
  return session ? <Workspace key={session.userId} email={session.email} /> : <SignIn />;
}
