import { useState } from 'react';
import { useLoad } from '../ui';

export interface CursorPage<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * A list read one cursor page at a time: the first page whenever `key` (the filters) changes, then
 * older pages and back again. The API's cursors only go forward, so the cursors of the pages passed
 * are kept to step back.
 */
export function useCursorPages<T>(load: (cursor: string | undefined) => Promise<CursorPage<T>>, key: string) {
  const [trail, setTrail] = useState<{ key: string; cursors: string[] }>({ key, cursors: [] });
  const cursors = trail.key === key ? trail.cursors : [];
  const cursor = cursors.at(-1);
  const page = useLoad(() => load(cursor), `${key}\n${cursor ?? ''}`);
  const nextCursor = page.data?.nextCursor ?? null;
  return {
    ...page,
    pageNumber: cursors.length + 1,
    older: nextCursor ? () => setTrail({ key, cursors: [...cursors, nextCursor] }) : undefined,
    newer: cursors.length > 0 ? () => setTrail({ key, cursors: cursors.slice(0, -1) }) : undefined,
  };
}

/** Newer / older page buttons for a list from useCursorPages, named for screen readers by `label`. */
export function CursorPager({
  label,
  pageNumber,
  newer,
  older,
  busy,
}: {
  label: string;
  pageNumber: number;
  newer: (() => void) | undefined;
  older: (() => void) | undefined;
  busy: boolean;
}) {
  if (!newer && !older) return null;
  return (
    <nav className="actions pager" aria-label={`${label}: pages`}>
      <button type="button" className="button-secondary" onClick={newer} disabled={!newer || busy}>
        ← Newer
      </button>
      <span aria-live="polite">Page {pageNumber}</span>
      <button type="button" className="button-secondary" onClick={older} disabled={!older || busy}>
        Older →
      </button>
    </nav>
  );
}
