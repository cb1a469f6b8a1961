export const WEBHOOK_URL_CHARS_MAX = 2048;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why a webhook URL is refused, or null when it is acceptable: https anywhere; plain http only
 * to the local machine and only when `allowLocalHttp` (outside production); never credentials.
 */
export function webhookUrlProblem(raw: string, allowLocalHttp: boolean): string | null {
  if (raw.length > WEBHOOK_URL_CHARS_MAX) return `must be at most ${WEBHOOK_URL_CHARS_MAX} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') {
    if (allowLocalHttp && LOOPBACK_HOSTS.has(url.hostname)) return null;
    return allowLocalHttp ? 'must use https (http only to localhost, 127.0.0.1 or [::1])' : 'must use https';
  }
  return 'must use https';
}
