import { Catch, NotFoundException, type ArgumentsHost, type HttpServer } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import { urlWithoutQuery } from '@carecircle/platform/observability';
import { HTTP_STATUS_BY_CATEGORY, isDomainError, type DomainErrorLike } from './domain-error';

/** RFC 9457 problem details, plus the domain error's `code`. */
export interface DomainProblem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
}

export interface DomainErrorFilterOptions {
  /** Overrides the category's status for particular codes, e.g. `{ 'enrollment.referral-unknown': 404 }`. */
  statusByCode?: Readonly<Record<string, number>>;
}

/**
 * Answers a thrown domain error (see `DomainErrorLike`) with an `application/problem+json` body
 * and the status of its category: not-found 404, conflict 409, rule-violation 422. Everything
 * else goes to Nest's default handling, minus the query string Nest quotes for an unknown route. Services configure codes through the options or
 * subclass and override `statusFor`/`problemFor`.
 */
@Catch()
export class DomainErrorFilter extends BaseExceptionFilter {
  constructor(
    private readonly http: HttpServer,
    private readonly options: DomainErrorFilterOptions = {},
  ) {
    super(http);
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    // A Kafka handler's error (the microservice inherits this filter) goes back to kafkajs as it is, so the
    // message is redelivered: answered as HTTP it became a TypeError that stopped the consumer for good.
    if (host.getType() !== 'http') throw exception;
    if (!isDomainError(exception)) {
      super.catch(withoutQueryInRouteNotFound(exception), host);
      return;
    }
    const problem = this.problemFor(exception);
    const response = host.switchToHttp().getResponse<unknown>();
    // Written as is: `reply` would turn a non-JSON content type of an error body back into application/json.
    this.http.status(response, problem.status);
    this.http.setHeader(response, 'Content-Type', 'application/problem+json');
    this.http.end(response, JSON.stringify(problem));
  }

  protected statusFor(error: DomainErrorLike): number {
    return this.options.statusByCode?.[error.code] ?? HTTP_STATUS_BY_CATEGORY[error.category ?? 'rule-violation'];
  }

  protected problemFor(error: DomainErrorLike): DomainProblem {
    const status = this.statusFor(error);
    return {
      type: `urn:carecircle:problem:${error.code}`,
      title: STATUS_CODES[status] ?? 'Domain error',
      status,
      code: error.code,
      ...(error.message ? { detail: error.message } : {}),
    };
  }
}

/** Nest answers an unknown route with `Cannot GET /path?query`; the query string may carry PHI. */
function withoutQueryInRouteNotFound(exception: unknown): unknown {
  if (!(exception instanceof NotFoundException)) return exception;
  const match = /^Cannot ([A-Z]+) (.*)$/s.exec(exception.message);
  return match ? new NotFoundException(`Cannot ${match[1]} ${urlWithoutQuery(match[2] ?? '')}`) : exception;
}
