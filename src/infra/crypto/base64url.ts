export const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

const B64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Strict base64url: the alphabet only, no padding, and it must decode back to itself. The last
 * character of a part can carry bits a decoder ignores, so the same bytes would otherwise have
 * several spellings (a token counted by its hash could be spent once under each).
 */
export function fromB64url(text: string): Buffer | null {
  if (!B64URL.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}
