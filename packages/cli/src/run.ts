import { parseArgs } from 'node:util';
import { COMMON_OPTIONS, Context, Flags, type CommandSpec } from './command.js';
import { COMMANDS } from './commands/index.js';
import { describeError, usageError } from './errors.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { commandHelp, groupHelp, mainHelp } from './help.js';
import type { CliIo } from './io.js';

export type { CliIo } from './io.js';
export { EXIT } from './exit-codes.js';

/**
 * Runs one `ocp` command line (without "node ocp") and resolves to its exit code; never rejects.
 * bin/ocp.js gives it the process's streams, the tests give it buffers.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const json = argv.includes('--json');
  try {
    const found = findCommand(argv);
    if (typeof found === 'string') {
      io.stdout.write(`${found}\n`);
      return EXIT.ok;
    }
    const { command, rest } = found;
    const parsed = parse(command, rest);
    if (parsed.values.help) {
      io.stdout.write(`${commandHelp(command)}\n`);
      return EXIT.ok;
    }
    const ctx = new Context(io, json);
    return (await command.run(ctx, new Flags(parsed.values, command.path), parsed.positionals)) ?? EXIT.ok;
  } catch (error) {
    const { line, exitCode } = describeError(error, json);
    io.stderr.write(`${line}\n`);
    return exitCode;
  }
}

/** The command the leading words name (the longest match), or the help text to print. */
function findCommand(argv: readonly string[]): { command: CommandSpec; rest: string[] } | string {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  for (let n = words.length; n > 0; n -= 1) {
    const command = COMMANDS.find((c) => c.path === words.slice(0, n).join(' '));
    if (command) return { command, rest: argv.slice(n) };
  }
  const wantsHelp = argv.includes('--help') || argv.includes('-h') || words[0] === 'help';
  if (words.length === 0 || (words[0] === 'help' && words.length === 1)) {
    if (wantsHelp) return mainHelp(COMMANDS);
    throw usageError(argv.length ? `unknown flag ${argv[0]} (see ocp --help)` : 'no command given (see ocp --help)');
  }
  // "ocp wallets", "ocp admin refunds": the commands of that group.
  for (let n = words.length; n > 0; n -= 1) {
    const group = words.slice(0, n).join(' ');
    const members = COMMANDS.filter((c) => c.path.startsWith(`${group} `));
    if (!members.length) continue;
    if (wantsHelp && n === words.length) return groupHelp(group, members);
    const next = words[n];
    throw usageError(
      next ? `unknown command "ocp ${group} ${next}" (see ocp ${group} --help)` : `which "ocp ${group}" command? (see ocp ${group} --help)`,
    );
  }
  throw usageError(`unknown command "${words[0]}" (see ocp --help)`);
}

function parse(command: CommandSpec, args: string[]) {
  const options = Object.fromEntries(
    Object.entries({ ...command.options, ...COMMON_OPTIONS }).map(([name, spec]) => [
      name,
      { type: spec.type, ...(name === 'help' ? { short: 'h' } : {}) },
    ]),
  );
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(`${command.path}: ${firstSentence((error as Error).message)} (see ocp ${command.path} --help)`);
  }
  const expected = command.args ?? [];
  if (!parsed.values.help && parsed.positionals.length !== expected.length) {
    const wanted = expected.length ? expected.map((a) => `<${a}>`).join(' ') : 'no arguments';
    throw usageError(`ocp ${command.path} takes ${wanted} (see ocp ${command.path} --help)`);
  }
  return parsed as { values: Record<string, string | boolean | undefined>; positionals: string[] };
}

/** parseArgs explains at length; the first sentence says what is wrong. */
const firstSentence = (message: string) => /^[^\n]*?\.(?=\s|$)/.exec(message)?.[0] ?? message.split('\n')[0]!;
