// Sign up or log in. Expected failures (taken email, wrong password, rate limit, bad input) are members of
// the mutation's result union and shown as they come.
import { ApolloProvider, useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { createAnonymousClient } from '../apollo/client.ts';
import { startSession } from '../auth/session.ts';
import { LoginMutation, SignupMutation } from '../operations.ts';

const anonymous = createAnonymousClient();

export function SignIn() {
  return (
    <ApolloProvider client={anonymous}>
      <SignInForm />
    </ApolloProvider>
  );
}

function SignInForm() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [signup, signingUp] = useMutation(SignupMutation);
  const [login, loggingIn] = useMutation(LoginMutation);
  const busy = signingUp.loading || loggingIn.loading;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const action = (event.nativeEvent as SubmitEvent).submitter?.getAttribute('value');
    setError(null);
    try {
      const result =
        action === 'signup'
          ? (await signup({ variables: { input: { email, password } } })).data?.signup
          : (await login({ variables: { input: { email, password } } })).data?.login;
      if (!result) setError('No answer from the server');
      else if (result.__typename === 'AuthPayload') startSession(result);
      else if (result.__typename === 'ValidationError') setError(result.fieldErrors.map((e) => e.message).join(' ') || result.message);
      else setError(result.message);
    } catch {
      setError('The server cannot be reached');
    }
  }

  return (
    <main className="sign-in">
      <h1>Tasks</h1>
      <form onSubmit={submit}>
        <label>
          Email
          <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Password
          <input type="password" autoComplete="current-password" required minLength={8} value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && <p role="alert">{error}</p>}
        <div className="buttons">
          <button type="submit" value="login" disabled={busy}>Log in</button>
          <button type="submit" value="signup" disabled={busy}>Sign up</button>
        </div>
      </form>
    </main>
  );
}
