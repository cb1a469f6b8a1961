import { z } from 'zod';
import { isInstantInRange } from './instant';
import { isCleanText } from './clean-text';
import { queryInt } from './query-int';

export const PAGE_SIZE_MAX = 100;
export const PAGE_SIZE_DEFAULT = 20;

/** A position in a newest-first list: the last row's (created_at, id). Opaque to clients. */
export interface Cursor {
  createdAt: Date;
  id: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export function encodeCursor({ createdAt, id }: Cursor): string {
  return Buffer.from(JSON.stringify([createdAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(raw: string): Cursor | null {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown[];
    if (typeof createdAt !== 'string' || typeof id !== 'string') return null;
    const date = new Date(createdAt);
    // A forged cursor must not carry a date or id the database refuses (a 500) into the query.
    return isInstantInRange(date) && isCleanText(id) ? { createdAt: date, id } : null;
  } catch {
    return null;
  }
}

export const pageQuery = z.object({
  limit: queryInt(1, PAGE_SIZE_MAX).default(PAGE_SIZE_DEFAULT),
  cursor: z
    .string()
    .max(200)
    .transform((raw, ctx) => decodeCursor(raw) ?? (ctx.addIssue({ code: 'custom', message: 'is not a valid cursor' }), z.NEVER))
    .optional()
    .meta({ description: 'The nextCursor of the previous page' }),
});

/** Given limit + 1 rows, newest first: the page and the cursor to the next one. */
export function toPage<T extends { createdAt: Date; id: string }>(rows: T[], limit: number): Page<T> {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
