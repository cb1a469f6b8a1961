import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationFailed } from '../../shared/errors';

/** Users, admins and `npm run admin:create` alike. The schemas check it too, for a 400 naming the field. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

let common: ReadonlySet<string> | undefined;

/** common-passwords.txt, read once on first use: lower case, one a line, `#` comments. */
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    readFileSync(join(__dirname, 'common-passwords.txt'), 'utf8')
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  return common;
}

export function isCommonPassword(password: string): boolean {
  return commonPasswords().has(password.trim().toLowerCase());
}

/**
 * Throws 400 password_too_short or password_too_common (details name the field); never echoes the
 * password. Length is normally refused earlier by the request schema as validation_failed. Spaces
 * around it do not count toward the length: twelve spaces are no password.
 */
export function assertAcceptablePassword(password: string, field = 'body.password'): void {
  if (password.trim().length < PASSWORD_MIN_LENGTH) {
    throw new ValidationFailed(`The password must be at least ${PASSWORD_MIN_LENGTH} characters`, { field }, 'password_too_short');
  }
  if (isCommonPassword(password)) {
    throw new ValidationFailed(
      'This password is on a list of commonly used passwords; choose one that is harder to guess',
      { field },
      'password_too_common',
    );
  }
}
