import type { EventMetadata, NewEvent, RecordedEvent } from '../event-store.port';

/**
 * One step of an event type's schema: turns the data of `type` at `fromVersion` into its data at
 * `fromVersion + 1`. Pure: it sees one event's data, never state or another event.
 */
export interface Upcaster {
  type: string;
  fromVersion: number;
  upcast(data: Readonly<Record<string, unknown>>): Record<string, unknown>;
}

/** The metadata key that carries an event's schema version, as a decimal string; absent means 1. */
export const SCHEMA_VERSION_KEY = 'schemaVersion';

/**
 * Thrown for an event this release cannot read: a version that is not a positive integer, or one newer
 * than this release knows (written by a newer replica during a rollout). It names the event's id, type
 * and versions, never its data.
 */
export class UpcastError extends Error {
  override readonly name = 'UpcastError';
  /** Which event, for the processor that parks it: never its data. */
  readonly event: Pick<RecordedEvent, 'eventId' | 'type' | 'globalPosition'>;

  constructor(
    { eventId, type, globalPosition }: Pick<RecordedEvent, 'eventId' | 'type' | 'globalPosition'>,
    reason: string,
  ) {
    super(`Event ${eventId} (${type}): ${reason}`);
    this.event = { eventId, type, globalPosition };
  }
}

/**
 * A service's upcasters, checked once at boot: one step per type and version, in an unbroken chain
 * from version 1, so every stored version reaches the current one.
 */
export class UpcasterRegistry {
  private readonly steps = new Map<string, Upcaster[]>();

  constructor(upcasters: readonly Upcaster[]) {
    for (const upcaster of upcasters) {
      if (!Number.isInteger(upcaster.fromVersion) || upcaster.fromVersion < 1)
        throw new Error(`Upcaster for ${upcaster.type}: fromVersion must be an integer >= 1`);
      const chain = this.steps.get(upcaster.type) ?? [];
      chain[upcaster.fromVersion - 1] = upcaster;
      this.steps.set(upcaster.type, chain);
    }
    for (const [type, chain] of this.steps) {
      const declared = upcasters.filter((u) => u.type === type).length;
      if (declared !== chain.length || chain.some((step) => !step))
        throw new Error(`Upcasters for ${type}: one step per version from 1 to ${chain.length}, each once`);
    }
  }

  /** The version this release writes and reads `type` at. */
  currentVersion(type: string): number {
    return (this.steps.get(type)?.length ?? 0) + 1;
  }

  /** The event as this release reads it: its data at the current version, and that version in its metadata. */
  upcast<E extends RecordedEvent>(event: E): E {
    const current = this.currentVersion(event.type);
    const version = storedVersion(event);
    if (version === current) return event;
    if (version > current) throw new UpcastError(event, `version ${version} is newer than this release (${current})`);
    let data = event.data as Record<string, unknown>;
    for (const step of this.steps.get(event.type)!.slice(version - 1)) data = step.upcast(data);
    return { ...event, data, metadata: withVersion(event.metadata, current) };
  }

  /** Stamps a new event with the version it is written at (only types that have moved past 1). */
  stamp<E extends NewEvent>(event: E): E {
    const current = this.currentVersion(event.type);
    return current === 1 ? event : { ...event, metadata: withVersion(event.metadata, current) };
  }
}

function storedVersion(event: RecordedEvent): number {
  const raw = event.metadata[SCHEMA_VERSION_KEY];
  if (raw === undefined) return 1;
  const version = /^[1-9]\d{0,5}$/.test(raw) ? Number(raw) : NaN;
  if (Number.isNaN(version)) throw new UpcastError(event, 'its schema version is not a positive integer');
  return version;
}

const withVersion = (metadata: EventMetadata, version: number): EventMetadata => ({
  ...metadata,
  [SCHEMA_VERSION_KEY]: String(version),
});
