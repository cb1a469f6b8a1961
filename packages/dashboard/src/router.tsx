import { createContext, useContext, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/**
 * A small path router: the pages live under the build's base (/admin/), OCP answers index.html for
 * every path below it, and the browser's history keeps back and forward working.
 */
const BASE = import.meta.env.BASE_URL.replace(/\/+$/, '');
const CHANGE = 'ocp:navigate';

/** The current path below the base, without slashes at either end ("customers/123"), and its query. */
export function useLocation(): { path: string; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, () => window.location.pathname + window.location.search);
  const url = new URL(href, window.location.origin);
  return { path: relativePath(url.pathname), search: url.searchParams };
}

export function navigate(to: string, { replace = false } = {}): void {
  const target = href(to);
  if (target === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, '', target);
  else window.history.pushState(null, '', target);
  window.dispatchEvent(new Event(CHANGE));
}

/** The full URL path of a page path ("customers" → "/admin/customers"). */
export function href(to: string): string {
  return `${BASE}/${to.replace(/^\/+/, '')}`;
}

/** A link to a page: a real <a href> (new tab, copy link, keyboard) that navigates without reloading. */
export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const go = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a {...rest} href={href(to)} onClick={go} />;
}

/** The parameters of `pattern` ("customers/:id") in `path`, or undefined when the path is another page's. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const actual = have[i] as string;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(actual);
    else if (part !== actual) return undefined;
  }
  return params;
}

function relativePath(pathname: string): string {
  const below = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  return below.replace(/^\/+|\/+$/g, '');
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const ParamsContext = createContext<Record<string, string>>({});
/** Gives a page its path parameters (the ":id" of "customers/:id"). */
export const ParamsProvider = ParamsContext.Provider;

/** The current page's path parameters: `const { id } = useParams()`. */
export function useParams(): Record<string, string | undefined> {
  return useContext(ParamsContext);
}
