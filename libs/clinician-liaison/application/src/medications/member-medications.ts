import type { EventStore } from '@carecircle/platform/event-store';
import { fold } from '@carecircle/shared-kernel';
import {
  coordinationDecider,
  coordinationStreamId,
  type CoordinationEvent,
  type CoordinationState,
} from '@carecircle/clinician-liaison/domain';

/** One line of a member's medication list, as a clinician reads it. */
export interface MedicationListEntry {
  medicationId: string;
  /** The drug as ordered, and its ingredient when the terminology knows it. */
  name: string;
  ingredient: string | null;
  rxnormCode: string | null;
  dailyDose: number | null;
  doseUnit: string;
  route: string;
  frequency: string;
  /** Drug classes (ssri, opioid, …); empty when unclassified. */
  classes: string[];
  prescriberId: string;
  status: 'active' | 'stopped';
  startedAt: string;
  /** When it was started or its dose last changed. */
  changedAt: string;
}

/** The member's medications, active first, then the latest started first. */
export function medicationList(state: Pick<CoordinationState, 'medications'>): MedicationListEntry[] {
  return Object.values(state.medications)
    .map((medication) => ({
      medicationId: medication.medicationId,
      name: medication.name,
      ingredient: medication.classification.status === 'classified' ? medication.classification.ingredient : null,
      rxnormCode: medication.rxnormCode,
      dailyDose: medication.dailyDose,
      doseUnit: medication.doseUnit,
      route: medication.route,
      frequency: medication.frequency,
      classes: medication.classification.status === 'classified' ? [...medication.classification.classes] : [],
      prescriberId: medication.prescriberId,
      status: medication.status,
      startedAt: medication.startedAt,
      changedAt: medication.changedAt,
    }))
    .sort(
      (a, b) =>
        Number(a.status === 'stopped') - Number(b.status === 'stopped') || b.startedAt.localeCompare(a.startedAt),
    );
}

/** Reads the member's coordination stream (the medications' source of truth) and lists them. */
export async function memberMedications(store: EventStore, memberId: string): Promise<MedicationListEntry[]> {
  const recorded = await store.readStream(coordinationStreamId(memberId));
  return medicationList(
    fold(
      coordinationDecider,
      recorded.map((r) => ({ type: r.type, data: r.data }) as CoordinationEvent),
    ),
  );
}
