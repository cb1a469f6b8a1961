import { isKnownNonPublicHost } from './target-address';

export const WEBHOOK_URL_CHARS_MAX = 2048;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface WebhookUrlPolicy {
  /** Plain http to the local machine is accepted (outside production only). */
  allowLocalHttp: boolean;
  /** Hosts that are private, loopback or reserved IP literals (or localhost) are accepted. */
  allowPrivateTargets: boolean;
}

/**
 * Why a webhook URL is refused, or null when it is acceptable: https; plain http only to the local
 * machine and only when `allowLocalHttp`; never credentials; never a host known to be non-public
 * unless `allowPrivateTargets` (SSRF: our server must not call internal services for a user).
 * Hostnames are not resolved here: the delivery checks the address it actually connects to.
 */
export function webhookUrlProblem(raw: string, policy: WebhookUrlPolicy): string | null {
  if (raw.length > WEBHOOK_URL_CHARS_MAX) return `must be at most ${WEBHOOK_URL_CHARS_MAX} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not contain credentials';
  const schemeProblem = webhookSchemeProblem(url, policy.allowLocalHttp);
  if (schemeProblem) return schemeProblem;
  if (!policy.allowPrivateTargets && isKnownNonPublicHost(url.hostname)) {
    return 'must not point at a private, loopback, link-local or reserved address';
  }
  return null;
}

function webhookSchemeProblem(url: URL, allowLocalHttp: boolean): string | null {
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') {
    if (allowLocalHttp && LOOPBACK_HOSTS.has(url.hostname)) return null;
    return allowLocalHttp ? 'must use https (http only to localhost, 127.0.0.1 or [::1])' : 'must use https';
  }
  return 'must use https';
}
