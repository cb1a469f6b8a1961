/** The body of every OCP error answer (DESIGN §7). */
interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown; requestId?: unknown };
}

/**
 * An answer outside 2xx, or no answer at all (`status` 0, code `network_error`). `code` is one of
 * the API's error codes (docs/errors.md); `requestId` is what OCP's operators search their logs for.
 */
export class OcpError extends Error {
  override readonly name = 'OcpError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | undefined,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** Builds the error from an answer whose body was already read (`body` may be anything, or nothing). */
  static fromResponse(response: Response, body: unknown): OcpError {
    const error = (body as ErrorBody | undefined)?.error;
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    return new OcpError(
      response.status,
      text(error?.code) ?? `http_${response.status}`,
      text(error?.message) ?? (response.statusText || `HTTP ${response.status}`),
      text(error?.requestId) ?? response.headers.get('x-request-id') ?? undefined,
      error?.details,
    );
  }

  static network(cause: unknown): OcpError {
    const error = new OcpError(0, 'network_error', `OCP could not be reached: ${describe(cause)}`, undefined);
    (error as { cause?: unknown }).cause = cause;
    return error;
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return (cause.cause as Error | undefined)?.message ?? cause.message;
  return String(cause);
}
