import { z } from 'zod';

/** Any resource id in a path or a body (usr_…, wal_…): bounded, so it cannot carry a payload. */
export const resourceId = z.string().min(1).max(64);

/** Path parameters of a route on one resource: `/…/:id`. */
export const idParams = z.object({ id: resourceId });
