import { COMMON_OPTIONS, type CommandSpec } from './command.js';
import { EXIT } from './exit-codes.js';

const EXIT_CODE_LINES = [
  `  ${EXIT.ok}    ok`,
  `  ${EXIT.apiError}    OCP answered with an error, or could not be reached`,
  `  ${EXIT.usage}    usage error: unknown command or flag, missing value, inexact amount`,
  `  ${EXIT.notSignedIn}    not signed in, or the stored token was rejected (run ocp login)`,
  `  ${EXIT.ledgerViolations}    verify-ledger found violations`,
  `  ${EXIT.interrupted}  interrupted (Ctrl+C, SIGTERM)`,
];

export function mainHelp(commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => c.path.length));
  return [
    'ocp: the Open Commerce Protocol from the command line',
    '',
    'Usage: ocp <command> [flags]      ocp <command> --help for its flags and examples',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.path.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --json (one JSON document on stdout) and --help.',
    'Sign-in is kept in $OCP_CONFIG_DIR, else $XDG_CONFIG_HOME/ocp, else ~/.config/ocp.',
    '',
    'Exit codes:',
    ...EXIT_CODE_LINES,
  ].join('\n');
}

/** `ocp wallets` alone: the commands of the group. */
export function groupHelp(group: string, commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => c.path.length));
  return [`Usage: ocp ${group} <command> [flags]`, '', 'Commands:', ...commands.map((c) => `  ${c.path.padEnd(width)}  ${c.summary}`)].join(
    '\n',
  );
}

export function commandHelp(command: CommandSpec): string {
  const options = { ...command.options, ...COMMON_OPTIONS };
  const flag = (name: string) => `--${name}${options[name]!.placeholder ? ` ${options[name]!.placeholder}` : ''}`;
  const usage = [
    `ocp ${command.path}`,
    ...(command.args ?? []).map((a) => `<${a}>`),
    ...Object.keys(command.options ?? {}).map((name) => (command.options![name]!.required ? flag(name) : `[${flag(name)}]`)),
    '[--json]',
  ].join(' ');
  const width = Math.max(...Object.keys(options).map((name) => flag(name).length));
  return [
    `Usage: ${usage}`,
    '',
    command.summary,
    ...(command.details?.length ? ['', ...command.details] : []),
    '',
    'Flags:',
    ...Object.keys(options).map((name) => `  ${flag(name).padEnd(width)}  ${options[name]!.help}`),
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${e}`),
  ].join('\n');
}
