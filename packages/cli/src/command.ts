import { createOcpClient, parseAmount, type Money, type OcpClient } from '@ocp/sdk';
import { CredentialStore, configDir, type StoredCredentials } from './credentials.js';
import { CliError, notSignedIn, usageError } from './errors.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { Progress } from './progress.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Shown in --help after the flag, e.g. <wallet>. */
  placeholder?: string;
  help: string;
  required?: boolean;
}

export interface CommandSpec {
  /** The words that name it: "wallets list". */
  path: string;
  summary: string;
  /** Positional arguments, by name, all required: ["id"]. */
  args?: string[];
  options?: Record<string, OptionSpec>;
  /** Lines of --help after the summary: what it does, what it prints. */
  details?: string[];
  examples: string[];
  run(ctx: Context, flags: Flags, args: string[]): Promise<ExitCode | void>;
}

/** Every command takes these. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', help: 'machine-readable output: one JSON document on stdout' },
  help: { type: 'boolean', help: 'show this help' },
};

/** The parsed flags of a command, read by name with the checks each kind of value needs. */
export class Flags {
  constructor(
    private readonly values: Record<string, string | boolean | undefined>,
    private readonly command: string,
  ) {}

  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  required(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw usageError(`${this.command}: --${name} is required (see ocp ${this.command} --help)`);
    return value;
  }

  bool(name: string): boolean {
    return this.values[name] === true;
  }

  /** A whole number in [min, max], or undefined when the flag is absent. */
  int(name: string, min: number, max: number): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) throw usageError(`--${name} must be a whole number from ${min} to ${max}`);
    return value;
  }

  /** "a,b,c" as a list, empty items dropped. */
  list(name: string): string[] | undefined {
    return this.string(name)
      ?.split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }

  /** "10.50 USD" in minor units, exactly (more decimals than the currency has is a usage error). */
  amount(name: string): Money | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    try {
      return parseAmount(text);
    } catch (error) {
      throw usageError(`--${name}: ${(error as Error).message}`);
    }
  }
}

/** What a command works with: its output, the stored sign-in and a client signed in with it. */
export class Context {
  readonly store: CredentialStore;

  constructor(
    readonly io: CliIo,
    readonly json: boolean,
  ) {
    this.store = new CredentialStore(configDir(io.env));
  }

  /** A line (or lines) for people, on stdout. */
  print(text: string): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** The one JSON document of --json, on stdout. */
  printJson(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A notice for people that is not the command's output (stderr: pipes stay clean). */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  progress(label: string): Progress {
    return new Progress(this.io.stderr, label);
  }

  /** The stored sign-in; refused (exit 3) when there is none, or when OCP_URL names another OCP. */
  credentials(): StoredCredentials {
    const stored = this.store.read();
    if (!stored) throw notSignedIn();
    const wanted = this.io.env.OCP_URL?.replace(/\/+$/, '');
    // The tokens belong to the OCP that issued them: they are never sent anywhere else.
    if (wanted && wanted !== stored.url) {
      throw new CliError(`signed in to ${stored.url}, not to OCP_URL ${wanted}: run \`ocp login\` for it`, EXIT.notSignedIn);
    }
    return stored;
  }

  /** A client with the stored tokens; refreshed tokens are written back as the SDK gets them. */
  client(options: { idempotencyKey?: () => string } = {}): OcpClient {
    const stored = this.credentials();
    return createOcpClient({
      baseUrl: stored.url,
      auth: { tokens: stored.tokens },
      onTokens: (tokens) => (tokens ? this.store.write({ ...stored, tokens }) : this.store.remove()),
      ...options,
    });
  }
}
