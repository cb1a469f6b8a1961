/** What `ocp` exits with (docs/cli.md lists them): scripts branch on these, so they never change meaning. */
export const EXIT = {
  ok: 0,
  /** OCP answered with an error, or could not be reached. */
  apiError: 1,
  /** The command line itself is wrong: unknown command or flag, a missing value, an amount that is not exact. */
  usage: 2,
  /** No stored sign-in, or OCP rejected the stored token (and it could not be refreshed). */
  notSignedIn: 3,
  /** verify-ledger: the ledger was read and an invariant is broken. */
  ledgerViolations: 4,
  /** Ctrl+C or SIGTERM (128 + SIGINT, as shells report it). */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
