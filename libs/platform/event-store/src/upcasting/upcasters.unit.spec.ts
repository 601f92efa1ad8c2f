import type { EventMetadata, RecordedEvent } from '../event-store.port';
import { SCHEMA_VERSION_KEY, UpcastError, UpcasterRegistry, type Upcaster } from './upcasters';

const recorded = (type: string, data: Record<string, unknown>, schemaVersion?: string): RecordedEvent => ({
  eventId: 'evt-1',
  type,
  data,
  metadata: {
    correlationId: 'c',
    causationId: 'c',
    occurredAt: '2026-12-06T10:00:00.000Z',
    ...(schemaVersion === undefined ? {} : { [SCHEMA_VERSION_KEY]: schemaVersion }),
  },
  streamId: 's',
  streamVersion: 0,
  globalPosition: 7n,
  recordedAt: new Date('2026-12-06T10:00:00.000Z'),
});

// A synthetic type's history: v1 had `name`, v2 renamed it `label`, v3 added `tags`.
const renameToLabel: Upcaster = {
  type: 'ThingNamed',
  fromVersion: 1,
  upcast: ({ name, ...rest }) => ({ ...rest, label: name }),
};
const addTags: Upcaster = { type: 'ThingNamed', fromVersion: 2, upcast: (data) => ({ ...data, tags: [] }) };
const registry = new UpcasterRegistry([addTags, renameToLabel]);

describe('UpcasterRegistry', () => {
  it('knows each type at its current version; a type without upcasters is at version 1', () => {
    expect(registry.currentVersion('ThingNamed')).toBe(3);
    expect(registry.currentVersion('OtherThing')).toBe(1);
  });

  it('reads an event without a schema version as version 1 and runs every step in order', () => {
    const event = registry.upcast(recorded('ThingNamed', { id: 'a', name: 'Room 4' }));
    expect(event.data).toEqual({ id: 'a', label: 'Room 4', tags: [] });
    expect(event.metadata[SCHEMA_VERSION_KEY]).toBe('3');
    expect(event.metadata.correlationId).toBe('c');
  });

  it('runs only the steps after the stored version', () => {
    const event = registry.upcast(recorded('ThingNamed', { id: 'a', label: 'Room 4' }, '2'));
    expect(event.data).toEqual({ id: 'a', label: 'Room 4', tags: [] });
  });

  it('leaves an event at the current version, and a type without upcasters, untouched (the same object)', () => {
    const current = recorded('ThingNamed', { id: 'a', label: 'x', tags: ['t'] }, '3');
    const other = recorded('OtherThing', { id: 'b' });
    expect(registry.upcast(current)).toBe(current);
    expect(registry.upcast(other)).toBe(other);
  });

  it('does not change the stored event it upcasts', () => {
    const stored = recorded('ThingNamed', { id: 'a', name: 'Room 4' });
    registry.upcast(stored);
    expect(stored.data).toEqual({ id: 'a', name: 'Room 4' });
    expect(stored.metadata[SCHEMA_VERSION_KEY]).toBeUndefined();
  });

  it.each([
    ['a version newer than this release', '4', 'version 4 is newer than this release (3)'],
    ['a version that is not a number', 'two', 'not a positive integer'],
    ['version 0', '0', 'not a positive integer'],
    ['a negative version', '-1', 'not a positive integer'],
    ['a fractional version', '1.5', 'not a positive integer'],
  ])('refuses %s, naming the event and never its data', (_, version, reason) => {
    const read = () => registry.upcast(recorded('ThingNamed', { id: 'a', name: 'Jane Synthetic' }, version));
    expect(read).toThrow(UpcastError);
    expect(read).toThrow(reason);
    try {
      read();
    } catch (error) {
      expect((error as UpcastError).event).toEqual({ eventId: 'evt-1', type: 'ThingNamed', globalPosition: 7n });
      expect(String((error as Error).message)).not.toContain('Jane');
    }
  });

  it('stamps new events of moved types with their current version, and leaves version-1 types bare', () => {
    const metadata: EventMetadata = { correlationId: 'c', causationId: 'c', occurredAt: 'now' };
    const base = { eventId: 'e', data: {}, metadata };
    expect(registry.stamp({ ...base, type: 'ThingNamed' }).metadata[SCHEMA_VERSION_KEY]).toBe('3');
    const other = { ...base, type: 'OtherThing' };
    expect(registry.stamp(other)).toBe(other);
  });

  it.each([
    ['a gap in the chain', [addTags]],
    ['two steps from one version', [renameToLabel, renameToLabel]],
    ['a step from version 0', [{ ...renameToLabel, fromVersion: 0 }]],
    ['a fractional step', [{ ...renameToLabel, fromVersion: 1.5 }]],
  ])('refuses at boot a registry with %s', (_, upcasters) => {
    expect(() => new UpcasterRegistry(upcasters)).toThrow(/Upcaster/);
  });
});
