import { z } from 'zod';

/**
 * Every integration event on the bus has this envelope. `subject` is the pseudonymous id of the
 * member the event is about (`mbr_…`), or of the aggregate for events about no single member
 * (`grp_…` for a group); never a name, MRN or other identifier from the EHR. `payload` carries the
 * event's own facts.
 */
export const envelopeSchema = z.object({
  eventId: z.string().uuid(),
  type: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  occurredAt: z.string().datetime({ offset: true }),
  correlationId: z.string().min(1),
  causationId: z.string().min(1),
  subject: z
    .string()
    .regex(
      /^[a-z]{2,6}_[A-Za-z0-9_-]{1,64}$/,
      'subject must be a pseudonymous id (mbr_…, grp_…), never an identifier from the EHR',
    ),
});

export type Envelope = z.infer<typeof envelopeSchema>;

export interface IntegrationEvent<Type extends string = string, Payload = unknown> extends Envelope {
  type: Type;
  payload: Payload;
}

/** Pseudonymous member ids look like `mbr_<opaque>`; the gateway alone maps them to EHR identities. */
export const memberIdSchema = z.string().regex(/^mbr_[A-Za-z0-9_-]{6,64}$/, 'must be a pseudonymous member id (mbr_…)');

/** Defines one event type: its name, schema version, topic and payload schema. */
export function defineEvent<const Type extends string, Payload extends z.ZodTypeAny>(definition: {
  type: Type;
  schemaVersion: number;
  topic: string;
  payload: Payload;
}) {
  const schema = envelopeSchema.extend({
    type: z.literal(definition.type),
    schemaVersion: z.literal(definition.schemaVersion),
    payload: definition.payload,
  });
  return {
    ...definition,
    schema,
    /** Parses a message value; throws a ZodError naming the offending fields. */
    parse: (value: unknown) => schema.parse(value) as IntegrationEvent<Type, z.infer<Payload>>,
  };
}

export type EventDefinition = ReturnType<typeof defineEvent>;
export type EventOf<D extends { parse: (value: unknown) => unknown }> = ReturnType<D['parse']>;
