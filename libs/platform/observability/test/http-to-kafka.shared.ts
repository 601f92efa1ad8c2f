// Shared by the scenario process and the test that reads its result.

/** Values the scenario sends (query string, body, SQL parameters); none may reach a span or a log line. */
export const PHI = { mrn: 'MRN-4711', name: 'Jane Doe', diagnosis: 'F33.1' };
export const SECRET_TOKEN = 'secret-token';

export interface RecordedSpan {
  name: string;
  kind: number;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

export interface ScenarioResult {
  spans: RecordedSpan[];
  /** Trace id active inside service B's Kafka handler. */
  handlerTraceId?: string;
  /** What service A stored with its event, for the relay to continue. */
  storedTraceparent?: string;
}
