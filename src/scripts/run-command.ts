import { ConfigError, loadConfig, type Config } from '../config/config';
import { DataDirLocked } from '../infra/db/data-dir-lock';
import { createLogger, type Logger } from '../infra/logger';
import { inSystemScope } from '../infra/tenant-scope';

/** A command-line command: given the config and a logger, it resolves to its exit code. */
export type Command = (config: Config, logger: Logger) => Promise<number>;

/**
 * Loads the config, runs the command, and turns any failure (a bad setting included) into a logged
 * reason and exit code 1. Output is the logger's JSON lines on stdout, like the server's.
 */
export async function runCommand(name: string, command: Command, env?: NodeJS.ProcessEnv): Promise<number> {
  let logger = createLogger('info');
  try {
    const config = loadConfig(env);
    logger = createLogger(config.LOG_LEVEL);
    // Operators' commands see every tenant (verify-ledger, backups, a drill); see docs/tenants.md.
    return await inSystemScope(() => command(config, logger));
  } catch (error) {
    logger.error(`${name} failed`, {
      error: error instanceof ConfigError || error instanceof DataDirLocked ? error.message : error,
    });
    return 1;
  }
}

/** Entry point of a script: sets the exit code and lets the process end once pools are closed. */
export function runMain(name: string, command: Command): void {
  void runCommand(name, command).then((code) => {
    process.exitCode = code;
  });
}
