/** What the console answers when a service it called refused or failed. */
export interface ConsoleError {
  status: number;
  message: string;
}

const PASSED_ON = new Set([400, 401, 403, 404, 409, 422]);

/**
 * A service's 4xx keeps its status and its own explanation (problem `detail`, or a validation message);
 * anything else is the gateway's 502 naming the service, never echoing a body that might carry data.
 */
export function consoleErrorOf(service: string, status: number | undefined, body: unknown): ConsoleError {
  if (status === undefined || !PASSED_ON.has(status))
    return { status: 502, message: `The ${service} service is unavailable; try again shortly` };
  const problem = (body ?? {}) as { detail?: unknown; message?: unknown };
  const explained =
    typeof problem.detail === 'string'
      ? problem.detail
      : Array.isArray(problem.message)
        ? problem.message.filter((m) => typeof m === 'string').join('; ')
        : typeof problem.message === 'string'
          ? problem.message
          : '';
  return { status, message: explained ? `${service}: ${explained}` : `${service} answered ${status}` };
}
