import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { OcpTokens } from '@ocp/sdk';
import { CliError } from './errors.js';
import { EXIT } from './exit-codes.js';

/** What `ocp login` keeps: where OCP answers, who signed in, and their tokens (never printed). */
export interface StoredCredentials {
  url: string;
  email: string;
  tokens: OcpTokens;
}

/** $OCP_CONFIG_DIR, else $XDG_CONFIG_HOME/ocp, else ~/.config/ocp. */
export function configDir(env: Record<string, string | undefined>): string {
  if (env.OCP_CONFIG_DIR) return env.OCP_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'ocp');
  return join(env.HOME || homedir(), '.config', 'ocp');
}

/**
 * credentials.json in the config dir, readable by its owner only (file 0600, a directory it creates
 * 0700): the tokens move money. Written whole to a temporary file and renamed, so a crash or two
 * commands refreshing at once never leave half a file.
 */
export class CredentialStore {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = join(dir, 'credentials.json');
  }

  read(): StoredCredentials | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CliError(`cannot read ${this.file}: ${(error as Error).message}`, EXIT.notSignedIn);
    }
    const stored = parse(text);
    if (!stored) throw new CliError(`${this.file} is not valid: run \`ocp login\` again`, EXIT.notSignedIn);
    return stored;
  }

  write(credentials: StoredCredentials): void {
    if (mkdirSync(this.dir, { recursive: true, mode: 0o700 }) !== undefined) chmodSync(this.dir, 0o700);
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600); // whatever the umask
    renameSync(temporary, this.file);
  }

  remove(): void {
    rmSync(this.file, { force: true });
  }
}

function parse(text: string): StoredCredentials | undefined {
  try {
    const value = JSON.parse(text) as Partial<StoredCredentials> | null;
    if (typeof value?.url !== 'string' || typeof value.tokens?.accessToken !== 'string') return undefined;
    return { url: value.url, email: typeof value.email === 'string' ? value.email : '', tokens: value.tokens };
  } catch {
    return undefined;
  }
}
