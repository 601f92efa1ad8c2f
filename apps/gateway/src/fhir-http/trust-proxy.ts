import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { readGatewayConfig } from '../gateway.config';

/**
 * Express `trust proxy` from `GATEWAY_TRUST_PROXY`: only the named proxies' `X-Forwarded-For` is believed
 * for `request.ip` (rate limits, audit); unset, the address is the TCP peer's, whatever the headers say.
 */
@Injectable()
export class TrustProxySetting implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    type Settable = { set?: (name: string, value: unknown) => void };
    const express = this.adapterHost.httpAdapter?.getInstance() as Settable | undefined;
    express?.set?.('trust proxy', readGatewayConfig().trustProxy);
  }
}
