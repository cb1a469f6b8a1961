import { useState, type FormEvent } from 'react';
import { defaultApiUrl, useSession } from '../ocp';
import { ErrorNotice } from '../ui';

/**
 * Operators sign in with their email and password. The API URL defaults to the page's own origin
 * (OCP serving /admin); a dashboard opened elsewhere points it at any OCP whose CORS_ORIGINS lists it.
 */
export function SignIn() {
  const { signIn } = useSession();
  const [apiUrl, setApiUrl] = useState(defaultApiUrl);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(undefined);
    const url = apiUrlProblem(apiUrl);
    if (url.problem) return setError(new Error(url.problem));
    setBusy(true);
    try {
      await signIn(url.value, email.trim(), password);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in" id="main">
      <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">OCP admin</h1>
        <p className="hint">Sign in with your operator account.</p>
        <label htmlFor="sign-in-email">Email</label>
        <input id="sign-in-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="sign-in-password">Password</label>
        <input
          id="sign-in-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <label htmlFor="sign-in-api">API URL</label>
        <input
          id="sign-in-api"
          type="url"
          required
          value={apiUrl}
          onChange={(e) => setApiUrl(e.target.value)}
          aria-describedby="sign-in-api-hint"
        />
        <p className="hint" id="sign-in-api-hint">
          The OCP server to manage; by default the one serving this page.
        </p>
        <ErrorNotice error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

function apiUrlProblem(text: string): { value: string; problem?: string } {
  try {
    const url = new URL(text.trim());
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      return { value: '', problem: 'The API URL must start with https:// or http://' };
    return { value: url.href.replace(/\/+$/, '') };
  } catch {
    return { value: '', problem: `"${text}" is not a URL: write it like https://ocp.example.com` };
  }
}
