import { formatAmount, OcpError } from '@ocp/sdk';
import { useCallback, useEffect, useState, type ReactNode } from 'react';

/**
 * Loads data for a page: `load` runs on mount and whenever `key` changes; `reload()` runs it again
 * (after an action). An answer that arrives after a newer request started is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, key: string) {
  const [state, setState] = useState<{ key: string; data?: T; error?: unknown; loading: boolean }>({ key, loading: true });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    let current = true;
    // The same data again keeps showing until it is back; other data does not pass for it meanwhile.
    setState((previous) => (previous.key === key ? { ...previous, loading: true } : { key, loading: true }));
    load().then(
      (data) => current && setState({ key, data, loading: false }),
      (error: unknown) => current && setState({ key, error, loading: false }),
    );
    return () => {
      current = false;
    };
    // `load` is a new function every render; `key` says when what it loads changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, generation]);
  const fresh = state.key === key;
  return { data: fresh ? state.data : undefined, error: fresh ? state.error : undefined, loading: state.loading || !fresh, reload };
}

interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * A cursor-paged list: the first page loads whenever `key` changes (a new search), `loadMore()`
 * appends the next one, `reload()` starts again from the first (after an action).
 */
export function usePages<T>(loadPage: (cursor?: string) => Promise<Page<T>>, key: string) {
  const first = useLoad(() => loadPage(), key);
  const [extra, setExtra] = useState<{ after: Page<T>; rows: T[]; nextCursor: string | null }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  // Pages appended to another first page (an earlier search, before a reload) are not this list's.
  const appended = extra && extra.after === first.data ? extra : undefined;
  const rows = first.data ? [...first.data.data, ...(appended?.rows ?? [])] : undefined;
  const nextCursor = appended ? appended.nextCursor : (first.data?.nextCursor ?? null);

  const loadMore = async () => {
    const after = first.data;
    if (!nextCursor || !after) return;
    setBusy(true);
    setError(undefined);
    try {
      const page = await loadPage(nextCursor);
      setExtra({ after, rows: [...(appended?.rows ?? []), ...page.data], nextCursor: page.nextCursor });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return { rows, nextCursor, loadMore, loading: first.loading || busy, error: first.error ?? error, reload: first.reload };
}

/** The next page of a usePages list, when there is one. */
export function LoadMore({ list }: { list: { nextCursor: string | null; loading: boolean; loadMore: () => Promise<void> } }) {
  if (!list.nextCursor) return null;
  return (
    <button type="button" className="button-secondary" disabled={list.loading} onClick={() => void list.loadMore()}>
      Load more
    </button>
  );
}

/** An API error as an operator can act on it: the API's own message, its code, and the request id to quote. */
export function ErrorNotice({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  const ocp = error instanceof OcpError ? error : undefined;
  const message = ocp?.message ?? (error instanceof Error ? error.message : 'Something went wrong');
  return (
    <div className="notice notice-error" role="alert">
      <p>{message}</p>
      {ocp && (
        <p className="notice-meta">
          {ocp.code}
          {ocp.status ? ` (HTTP ${ocp.status})` : ''}
          {ocp.requestId ? ` · request ${ocp.requestId}` : ''}
        </p>
      )}
    </div>
  );
}

export function SuccessNotice({ children }: { children: ReactNode }) {
  return (
    <div className="notice notice-success" role="status">
      {children}
    </div>
  );
}

export function Money({ amount, currency }: { amount: string; currency: string }) {
  const negative = amount.startsWith('-');
  return <span className={`money${negative ? ' money-negative' : ''}`}>{formatAmount({ amount, currency })}</span>;
}

export function DateTime({ value }: { value: string | null | undefined }) {
  if (!value) return <span>—</span>;
  const date = new Date(value);
  return <time dateTime={value}>{date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}</time>;
}

export function Status({ value }: { value: string }) {
  return <span className={`status status-${value.replace(/[^a-z_]/g, '')}`}>{value}</span>;
}

/** A wide table stays readable on a tablet: it scrolls sideways inside its own box, the page does not. */
export function TableBox({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-box" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status">
      Loading {what}…
    </p>
  );
}

/** The id, short enough for a table cell, whole in the tooltip and for screen readers. */
export function ShortId({ id }: { id: string }) {
  return (
    <code title={id} aria-label={id}>
      {id.length > 12 ? `${id.slice(0, 8)}…` : id}
    </code>
  );
}
