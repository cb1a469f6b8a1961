import { OcpError } from '@ocp/sdk';
import { EXIT, type ExitCode } from './exit-codes.js';

/** An error the user can act on: its message is printed as is, and it decides the exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage);

export const notSignedIn = () => new CliError('not signed in: run `ocp login` first', EXIT.notSignedIn);

export const interrupted = () => new CliError('interrupted', EXIT.interrupted);

/** The one line an error becomes on stderr, and the exit code it means. Never a stack trace. */
export function describeError(error: unknown, json: boolean): { line: string; exitCode: ExitCode } {
  if (error instanceof OcpError) {
    const exitCode = error.status === 401 ? EXIT.notSignedIn : EXIT.apiError;
    const hint = error.status === 401 ? ' (run `ocp login` again)' : '';
    const line = json
      ? JSON.stringify({ error: { status: error.status, code: error.code, message: error.message, requestId: error.requestId ?? null } })
      : `ocp: ${error.message}${hint} [code: ${error.code}${error.requestId ? `, requestId: ${error.requestId}` : ''}]`;
    return { line, exitCode };
  }
  const exitCode = error instanceof CliError ? error.exitCode : EXIT.apiError;
  const message = error instanceof CliError ? error.message : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  const code = exitCode === EXIT.usage ? 'usage' : exitCode === EXIT.notSignedIn ? 'not_signed_in' : 'cli_error';
  return { line: json ? JSON.stringify({ error: { code, message } }) : `ocp: ${message}`, exitCode };
}
