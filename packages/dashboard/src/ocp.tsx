import { createOcpClient, type OcpClient, type OcpTokens } from '@ocp/sdk';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { isOperator, readClaims, type Claims } from './claims';

/** sessionStorage, not localStorage: the operator's session ends with the tab. */
const STORAGE = { apiUrl: 'ocp.dashboard.apiUrl', tokens: 'ocp.dashboard.tokens', email: 'ocp.dashboard.email' } as const;

interface SignedIn {
  apiUrl: string;
  email: string;
  client: OcpClient;
  claims: Claims;
}

interface SessionContext {
  session: SignedIn | undefined;
  /** Signs in against `apiUrl`; resolves once the session is kept, rejects with the API's OcpError. */
  signIn: (apiUrl: string, email: string, password: string) => Promise<Claims>;
  signOut: () => Promise<void>;
}

const Context = createContext<SessionContext | undefined>(undefined);

/** The page's own origin: where OCP serves the dashboard, and so where its API answers. */
export function defaultApiUrl(): string {
  return sessionStorage.getItem(STORAGE.apiUrl) ?? window.location.origin;
}

export function OcpProvider({ children }: { children: ReactNode }) {
  // A restored client reports token changes before React has handed out setSession: the relay forwards them.
  const [relay] = useState(() => new Relay());
  const [session, setSession] = useState<SignedIn | undefined>(() => restore(relay.forward));
  useEffect(() => relay.connect(setSession), [relay]);

  const signIn = useCallback(async (apiUrl: string, email: string, password: string) => {
    const client = openClient(apiUrl, undefined, setSession);
    const tokens = await client.login({ email, password });
    const claims = readClaims(tokens.accessToken);
    if (!claims) throw new Error('The server answered with a token this dashboard cannot read');
    if (!isOperator(claims)) {
      await client.logout().catch(() => undefined);
      throw new Error('This account is not an operator: the dashboard is for admin, support, finance and auditor accounts.');
    }
    sessionStorage.setItem(STORAGE.apiUrl, apiUrl);
    sessionStorage.setItem(STORAGE.email, email);
    setSession({ apiUrl, email, client, claims });
    return claims;
  }, []);

  const signOut = useCallback(async () => {
    // The server forgets the refresh token; the page forgets everything even when the server cannot be reached.
    await session?.client.logout().catch(() => undefined);
    forget();
    setSession(undefined);
  }, [session]);

  const value = useMemo(() => ({ session, signIn, signOut }), [session, signIn, signOut]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

/** The signed-in operator's SDK client. Pages render only inside a session. */
export function useOcp(): OcpClient {
  const session = useSessionContext().session;
  if (!session) throw new Error('useOcp() needs a signed-in operator: render pages inside the app shell');
  return session.client;
}

/** Who is signed in, what they may do (from the token: the API enforces it anyway), and the sign-in/-out actions. */
export function useSession() {
  const { session, signIn, signOut } = useSessionContext();
  const permissions = session?.claims.permissions;
  const can = useCallback((permission: string) => permissions?.includes(permission) ?? false, [permissions]);
  return { session, signIn, signOut, can };
}

function useSessionContext(): SessionContext {
  const context = useContext(Context);
  if (!context) throw new Error('useOcp() and useSession() work only inside <OcpProvider>');
  return context;
}

type SetSession = (update: (previous: SignedIn | undefined) => SignedIn | undefined) => void;

class Relay {
  private target: SetSession | undefined;
  readonly forward: SetSession = (update) => this.target?.(update);
  connect(target: SetSession): () => void {
    this.target = target;
    return () => (this.target = undefined);
  }
}

/** A client that keeps its tokens in sessionStorage and ends the session when they are gone (a failed refresh). */
function openClient(apiUrl: string, tokens: OcpTokens | undefined, setSession: SetSession): OcpClient {
  const client: OcpClient = createOcpClient({
    baseUrl: apiUrl,
    ...(tokens ? { auth: { tokens } } : {}),
    onTokens(next) {
      if (!next) {
        forget();
        setSession((previous) => (previous?.client === client ? undefined : previous));
        return;
      }
      sessionStorage.setItem(STORAGE.tokens, JSON.stringify(next));
      const claims = readClaims(next.accessToken);
      if (claims) setSession((previous) => (previous?.client === client ? { ...previous, claims } : previous));
    },
  });
  return client;
}

/** The session of this tab after a reload, when its tokens are still usable. */
function restore(setSession: SetSession): SignedIn | undefined {
  const apiUrl = sessionStorage.getItem(STORAGE.apiUrl);
  const stored = sessionStorage.getItem(STORAGE.tokens);
  if (!apiUrl || !stored) return undefined;
  try {
    const tokens = JSON.parse(stored) as OcpTokens;
    const claims = readClaims(tokens.accessToken);
    const expired = claims?.expiresAt !== undefined && claims.expiresAt <= Date.now();
    if (!claims || (expired && !tokens.refreshToken)) return undefined;
    const email = sessionStorage.getItem(STORAGE.email) ?? '';
    return { apiUrl, email, client: openClient(apiUrl, tokens, setSession), claims };
  } catch {
    return undefined;
  }
}

function forget(): void {
  sessionStorage.removeItem(STORAGE.tokens);
}
