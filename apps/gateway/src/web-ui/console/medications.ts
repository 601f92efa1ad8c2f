// A member's medication list, for clinicians on their care team (the gateway refuses facilitators, so
// their page never asks). Drawn as one line per drug, not a table: it fits a 390 px phone.
import { getJson } from './api.js';
import { $, el, when } from './dom.js';
import { learnNames, nameOf } from './people.js';
import { sessionRole, claims } from './session.js';
import type { Medication } from './types.js';

const CLASS_NAMES: Readonly<Record<string, string>> = {
  ssri: 'SSRI',
  snri: 'SNRI',
  tca: 'tricyclic antidepressant',
  maoi: 'MAOI',
  'other-antidepressant': 'antidepressant',
  benzodiazepine: 'benzodiazepine',
  opioid: 'opioid',
  gabapentinoid: 'gabapentinoid',
  triptan: 'triptan',
  antipsychotic: 'antipsychotic',
  'other-cns-depressant': 'CNS depressant',
};

const isClinician = () => (sessionRole() || claims().carecircle_role) === 'clinician';

/** What liaison answers for a part of the order the EHR did not give. */
const known = (value: string): string => (value && value !== 'unknown' ? value : '');

/** "50 mg daily (oral)"; as much of it as the order gave, else "dose not given". */
function doseLine(medication: Medication): string {
  const dose =
    medication.dailyDose === null ? known(medication.doseUnit) : medication.dailyDose + ' ' + medication.doseUnit;
  const route = known(medication.route);
  return [dose || 'dose not given', known(medication.frequency), route ? '(' + route + ')' : '']
    .filter(Boolean)
    .join(' ');
}

function medicationItem(medication: Medication): HTMLLIElement {
  const classes = medication.classes.map((name) => CLASS_NAMES[name] ?? name).join(', ') || 'unclassified';
  return el('li', { 'data-medication-id': medication.medicationId, 'data-status': medication.status }, [
    el('h4', {}, [
      medication.name + ' · ' + doseLine(medication),
      medication.status === 'stopped' ? el('span', { class: 'badge state' }, ['stopped']) : '',
    ]),
    el('p', { class: 'meta' }, [
      'Class: ' + classes + ' · started ' + when(medication.startedAt) + ' · prescribed by ',
      nameOf(medication.prescriberId),
    ]),
  ]);
}

/** The member page's Medications section: drawn for clinicians, absent for everyone else. */
export async function loadMedications(memberId: string, isShown: () => boolean): Promise<void> {
  document.getElementById('member-medications')?.remove();
  if (!isClinician()) return;
  const body = await getJson<{ medications: Medication[]; names?: Record<string, string> }>(
    '/api/care-console/members/' + encodeURIComponent(memberId) + '/medications',
  );
  if (!isShown()) return;
  learnNames(body.names);
  const section = el('section', { id: 'member-medications', 'aria-labelledby': 'member-medications-heading' }, [
    el('h3', { id: 'member-medications-heading' }, ['Medications']),
    body.medications.length
      ? el(
          'ul',
          { class: 'medications', 'aria-label': 'Medications, active first' },
          body.medications.map(medicationItem),
        )
      : el('p', {}, ['No medications recorded.']),
  ]);
  $('member-alerts').closest('section')?.after(section);
}
