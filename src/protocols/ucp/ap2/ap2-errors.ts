import { ERROR_CATALOGUE } from '../../../shared/error-catalogue';
import { AppError } from '../../../shared/errors';

/** The UCP AP2 extension's error codes (ap2_mandate.json#/$defs/error_code), plus OCP's replay refusal. */
export type Ap2ErrorCode = keyof (typeof ERROR_CATALOGUE)['ap2'] | 'mandate_expired';

/**
 * A refused AP2 mandate. `code` is the spec's own error code, so a UCP edge can put it in a
 * checkout message as is; the catalogue fixes its HTTP status (4xx). The message says what failed
 * in words and never quotes the mandate, a key or a signature.
 */
export class Ap2Refused extends AppError {
  constructor(code: Ap2ErrorCode, message: string) {
    const kind = code === 'mandate_expired' ? ERROR_CATALOGUE.agent.mandate_expired.kind : ERROR_CATALOGUE.ap2[code].kind;
    // The catalogue lookup above is the pairing AppError's tuple type checks; TypeScript cannot follow it through a union.
    super(...([kind, code, message] as unknown as ConstructorParameters<typeof AppError>));
  }

  declare readonly code: Ap2ErrorCode;
}
