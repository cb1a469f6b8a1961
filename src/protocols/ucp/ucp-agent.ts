import { ValidationFailed } from '../../shared/errors';

/** Longest UCP-Agent header read, and longest profile URI kept. */
const HEADER_CHARS_MAX = 4096;
const PROFILE_CHARS_MAX = 2048;

/**
 * The platform's profile URI from the `UCP-Agent` header, an RFC 8941 dictionary such as
 * `profile="https://platform.example/profile"` (other members and parameters are allowed and ignored).
 * The REST binding says every request MUST carry it, so a missing header is a 400, as is one that is
 * not a dictionary with a `profile` string holding an absolute http(s) URL. OCP records it on the
 * session; it never fetches it (no request to a URL a caller chose).
 * Errors: ucp_agent_missing, ucp_agent_invalid (400).
 */
export function readUcpAgentProfile(header: string | string[] | undefined): string {
  if (header === undefined) {
    throw new ValidationFailed(
      'The UCP-Agent header is required: UCP-Agent: profile="<your platform profile URI>"',
      { fields: [{ field: 'header.ucp-agent', message: 'required' }] },
      'ucp_agent_missing',
    );
  }
  const text = Array.isArray(header) ? header.join(', ') : header;
  const profile = text.length <= HEADER_CHARS_MAX ? parseDictionary(text)?.get('profile') : undefined;
  if (typeof profile !== 'string' || profile.length > PROFILE_CHARS_MAX || !isHttpUrl(profile)) {
    throw new ValidationFailed(
      'The UCP-Agent header must be a structured-field dictionary with profile="<absolute http(s) URL>"',
      { fields: [{ field: 'header.ucp-agent', message: 'must be profile="<absolute http(s) URL>"' }] },
      'ucp_agent_invalid',
    );
  }
  return profile;
}

type BareItem = string | number | boolean | { token: string };

/**
 * RFC 8941 §4.2.2 for what a UCP-Agent carries: members `key=item;params`, items strings, tokens,
 * integers or decimals, booleans; a bare key is `true`; inner lists are refused. Null when malformed.
 */
export function parseDictionary(input: string): Map<string, BareItem> | null {
  const result = new Map<string, BareItem>();
  let i = 0;
  const skipSpaces = () => {
    while (input[i] === ' ' || input[i] === '\t') i += 1;
  };
  skipSpaces();
  if (i === input.length) return null;
  while (i < input.length) {
    const key = /^[a-z*][a-z0-9_\-.*]*/.exec(input.slice(i))?.[0];
    if (!key) return null;
    i += key.length;
    let value: BareItem = true;
    if (input[i] === '=') {
      i += 1;
      const item = parseBareItem(input, i);
      if (!item) return null;
      value = item.value;
      i = item.end;
    }
    while (input[i] === ';') {
      const param = /^;\s*[a-z*][a-z0-9_\-.*]*/.exec(input.slice(i))?.[0];
      if (!param) return null;
      i += param.length;
      if (input[i] === '=') {
        const item = parseBareItem(input, i + 1);
        if (!item) return null;
        i = item.end;
      }
    }
    result.set(key, value);
    skipSpaces();
    if (i === input.length) break;
    if (input[i] !== ',') return null;
    i += 1;
    skipSpaces();
    if (i === input.length) return null;
  }
  return result;
}

function parseBareItem(input: string, start: number): { value: BareItem; end: number } | null {
  const c = input[start];
  if (c === '"') {
    let out = '';
    for (let i = start + 1; i < input.length; i += 1) {
      const ch = input[i] as string;
      if (ch === '\\') {
        const next = input[i + 1];
        if (next !== '"' && next !== '\\') return null;
        out += next;
        i += 1;
      } else if (ch === '"') {
        return { value: out, end: i + 1 };
      } else if (ch < ' ' || ch > '~') {
        return null;
      } else {
        out += ch;
      }
    }
    return null;
  }
  if (c === '?') {
    if (input[start + 1] === '1') return { value: true, end: start + 2 };
    if (input[start + 1] === '0') return { value: false, end: start + 2 };
    return null;
  }
  const num = /^-?\d{1,15}(\.\d{1,3})?/.exec(input.slice(start))?.[0];
  if (num) return { value: Number(num), end: start + num.length };
  const token = /^[A-Za-z*][A-Za-z0-9!#$%&'*+\-.^_`|~:/]*/.exec(input.slice(start))?.[0];
  if (token) return { value: { token }, end: start + token.length };
  return null;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0 && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}
