import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One EHR patient to post through FHIR: the Bundle as sent, and what the cohort plan needs of the Patient. */
export interface DemoPatient {
  /** Which one it is (`Synthea bundle 3`, `generated patient 2`): shown in failures. Never the file name, which holds the patient's name. */
  source: string;
  bundle: unknown;
  /** Kept in memory only: the plan needs an age and whether the simulation let the patient die. */
  birthDate?: string;
  deceased: boolean;
}

interface BundleLike {
  entry?: {
    resource?: { resourceType?: string; birthDate?: string; deceasedDateTime?: string; deceasedBoolean?: boolean };
  }[];
}

/** The Synthea transaction Bundles in `dir`, sorted by file name; undefined when there are none. */
export function syntheaPatients(dir: string): DemoPatient[] | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  if (files.length === 0) return undefined;
  return files.map((file, index) => {
    const bundle = JSON.parse(readFileSync(join(dir, file), 'utf8')) as BundleLike;
    const patient = bundle.entry?.find((entry) => entry.resource?.resourceType === 'Patient')?.resource;
    return {
      source: `Synthea bundle ${index + 1}`,
      bundle,
      ...(patient?.birthDate ? { birthDate: patient.birthDate } : {}),
      deceased: Boolean(patient?.deceasedDateTime ?? patient?.deceasedBoolean),
    };
  });
}

/** Invented given and family names: the console shows names, and these belong to no one. */
const GIVEN = ['Ana', 'Ben', 'Chloe', 'Dev', 'Eli', 'Farah', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kira', 'Luca'];
const FAMILY = ['Ruiz', 'Osei', 'Lindqvist', 'Marin', 'Tanaka', 'Haddad', 'Novak', 'Baptiste', 'Kowal'];

/**
 * Stand-ins when ../shared/data is missing: `count` synthetic adults, each a transaction Bundle with a
 * Patient that has an identifier, a gender, a birth date and an invented name.
 */
export function generatedPatients(count: number, today: Date): DemoPatient[] {
  return Array.from({ length: count }, (_, index) => {
    const number = String(index + 1).padStart(4, '0');
    const birthDate = `${today.getUTCFullYear() - 28 - ((index * 7) % 45)}-${String((index % 12) + 1).padStart(2, '0')}-15`;
    const patient = {
      resourceType: 'Patient',
      id: `carecircle-demo-${number}`,
      identifier: [{ system: 'urn:carecircle:demo-patient', value: `demo-${number}` }],
      name: [{ use: 'official', given: [GIVEN[index % GIVEN.length]!], family: FAMILY[index % FAMILY.length]! }],
      gender: index % 2 === 0 ? 'female' : 'male',
      birthDate,
    };
    return {
      source: `generated patient ${index + 1}`,
      bundle: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: `urn:uuid:00000000-0000-4000-8000-00000000${number}`,
            resource: patient,
            request: { method: 'PUT', url: `Patient/${patient.id}` },
          },
        ],
      },
      birthDate,
      deceased: false,
    };
  });
}
