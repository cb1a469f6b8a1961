/** Where output goes; `isTTY` decides between a progress spinner and silence. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** What a terminal's stdin offers for a password prompt without echo. */
export interface Input extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?: (raw: boolean) => unknown;
}

/**
 * The world a command runs in: process.stdout and friends from bin/ocp.js, buffers in tests.
 * Commands read no process.* themselves, so the tests run them in-process.
 */
export interface CliIo {
  stdout: Output;
  stderr: Output;
  stdin?: Input;
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl+C / SIGTERM: long-running commands clean up and exit 130. */
  signal?: AbortSignal;
}
