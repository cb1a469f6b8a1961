import { readFileSync } from 'node:fs';
import { ConfigError } from '../../config/config';

/** Reads a key or certificate file named by a setting; the error names the setting and path, never the content. */
export function readSettingFile(setting: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`Invalid configuration:\n  ${setting}: cannot read ${path} (${reason})`);
  }
}

/** Runs a parser over a file's content; a failure is a ConfigError naming the setting. */
export function parseSettingFile<T>(setting: string, path: string, parse: (content: string) => T): T {
  const content = readSettingFile(setting, path);
  try {
    return parse(content);
  } catch {
    throw new ConfigError(`Invalid configuration:\n  ${setting}: ${path} does not hold what the setting expects`);
  }
}

/** Returns a file's content once `check` accepts it (it throws on bad content); a failure is a ConfigError naming the setting. */
export function checkedSettingFile(setting: string, path: string, check: (content: string) => unknown): string {
  return parseSettingFile(setting, path, (content) => {
    check(content);
    return content;
  });
}
