import type { Unauthorized } from '../shared/errors';
import type { Principal } from '../shared/principal';

declare global {
  namespace Express {
    interface Request {
      /** Set by the authenticate middleware when a valid bearer token came with the request. */
      principal?: Principal;
      /** Set instead of `principal` when a bearer token came but was rejected (expired, tampered...). */
      authError?: Unauthorized;
      /** The exact bytes of a JSON body, for signature checks (webhooks, idempotency hashes). */
      rawBody?: Buffer;
    }
  }
}

export {};
