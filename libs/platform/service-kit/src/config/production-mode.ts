/**
 * The one answer to "is this production?", for every service and the gateway: `NODE_ENV=production`
 * (the container image sets it) or `AUTH_REQUIRED=true` (the Kubernetes manifests). In production no
 * development fallback may be reached: a missing or unsafe setting stops the process at start-up.
 * `npm start` sets neither, so the local run keeps its embedded defaults.
 */
export function productionMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['NODE_ENV']?.trim() === 'production' || env['AUTH_REQUIRED']?.trim() === 'true';
}

/** Ends the start-up error of a setting that only production requires, e.g. `X is required ${IN_PRODUCTION}`. */
export const IN_PRODUCTION = 'when AUTH_REQUIRED is true or NODE_ENV is production';

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

/** `localhost`, `127.0.0.0/8` or `::1`: traffic that never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(host) || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * True for a plain `http://` URL to a host other than loopback: tokens, keys or payloads sent there
 * cross a network unencrypted. Not a URL at all: false (the caller's own schema judges the format).
 */
export function isPlainHttpToRemoteHost(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && !isLoopbackHost(url.hostname);
}
