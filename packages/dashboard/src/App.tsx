import { useEffect, useRef, type ReactNode } from 'react';
import { BrandMark, useTenantBranding } from './branding';
import { PAGES, type PageEntry } from './navigation';
import { useSession } from './ocp';
import { SignIn } from './pages/SignIn';
import { Link, matchPath, navigate, ParamsProvider, useLocation } from './router';

/** Sign-in until there is a session; then the layout: navigation by permission, and the page of the path. */
export function App() {
  const { session } = useSession();
  return session ? <Layout /> : <SignIn />;
}

function Layout() {
  const { session, signOut, can } = useSession();
  const { path } = useLocation();
  const visible = PAGES.filter((page) => page.label && can(page.permission));
  const found = findPage(path);
  const main = useRef<HTMLElement>(null);
  const branding = useTenantBranding();

  // The home path opens the first section this operator may use.
  const home = visible[0]?.path;
  useEffect(() => {
    if (path === '' && home) navigate(home, { replace: true });
  }, [path, home]);

  // A keyboard or screen-reader user lands on the new page, not on the link they left.
  const previousPath = useRef(path);
  useEffect(() => {
    if (previousPath.current !== path) main.current?.focus();
    previousPath.current = path;
  }, [path]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <BrandMark branding={branding} />
        <span className="who" title={session?.apiUrl}>
          {session?.email || session?.claims.sub} · {hostOf(session?.apiUrl ?? '')}
        </span>
        <button type="button" className="button-secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <nav className="sidebar" aria-label="Sections">
        <ul>
          {visible.map((page) => (
            <li key={page.path}>
              <Link to={page.path} aria-current={isSection(page, path) ? 'page' : undefined}>
                {page.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1}>
        <PageView found={found} path={path} allowed={found ? can(found.page.permission) : false} hasHome={Boolean(home)} />
      </main>
    </div>
  );
}

function PageView({ found, path, allowed, hasHome }: { found: Found | undefined; path: string; allowed: boolean; hasHome: boolean }) {
  if (path === '' && !hasHome) {
    return <Message title="Nothing to show">This account has no dashboard section it may open.</Message>;
  }
  if (path === '') return null;
  if (!found) return <Message title="Page not found">There is no page at /admin/{path}.</Message>;
  if (!allowed) {
    return (
      <Message title="Not permitted">
        Your role is not permitted to open this page (it needs the permission <code>{found.page.permission}</code>).
      </Message>
    );
  }
  const Page = found.page.component;
  return (
    <ParamsProvider value={found.params}>
      <Page key={path} />
    </ParamsProvider>
  );
}

function Message({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-labelledby="message-title">
      <h1 id="message-title">{title}</h1>
      <p>{children}</p>
    </section>
  );
}

interface Found {
  page: PageEntry;
  params: Record<string, string>;
}

function findPage(path: string): Found | undefined {
  for (const page of PAGES) {
    const params = matchPath(page.path, path);
    if (params) return { page, params };
  }
  return undefined;
}

/** A section stays marked current on its detail pages (customers/… under Customers). */
function isSection(page: PageEntry, path: string): boolean {
  return path === page.path || path.startsWith(`${page.path}/`);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
