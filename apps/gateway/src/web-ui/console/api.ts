// The gateway client: every call carries the bearer token; the gateway decides access and answers
// 401/403/4xx with a message, which becomes the error's message.
import { token } from './session.js';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export async function api(path: string, options: RequestInit & { json?: unknown } = {}): Promise<Response> {
  const { json, ...init } = options;
  const headers: Record<string, string> = {
    Authorization: 'Bearer ' + token(),
    ...(init.headers as Record<string, string> | undefined),
  };
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  }
  const response = await fetch(path, { ...init, headers });
  if (response.status === 401) throw new ApiError('Your sign-in has expired: sign in again.', 401);
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string | string[] };
    const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
    throw new ApiError(message || 'The request failed (' + response.status + ').', response.status);
  }
  return response;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await api(path)).json() as Promise<T>;
}
