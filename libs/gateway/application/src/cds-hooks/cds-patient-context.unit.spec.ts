import { translateCdsRequest } from './cds-patient-context';

const members: Record<string, string> = { 'Patient/ehr-1': 'mbr_AAAAAAAAAAAAAAAAAAAA' };
const find = async (reference: string) => members[reference];

describe('translateCdsRequest', () => {
  it('puts the member id in place of the EHR patient id, in the context and its references, and withholds prefetch and credentials', async () => {
    const result = await translateCdsRequest(
      {
        hook: 'order-sign',
        hookInstance: 'h1',
        fhirServer: 'https://ehr.example/fhir',
        fhirAuthorization: { access_token: 'secret' },
        prefetch: { patient: { resourceType: 'Patient', id: 'ehr-1' } },
        context: {
          userId: 'Practitioner/d1',
          patientId: 'ehr-1',
          draftOrders: {
            entry: [
              { resource: { subject: { reference: 'Patient/ehr-1' }, requester: { reference: 'Practitioner/d1' } } },
            ],
          },
        },
      },
      find,
    );
    expect(result).toEqual({
      outcome: 'forward',
      memberId: 'mbr_AAAAAAAAAAAAAAAAAAAA',
      body: {
        hook: 'order-sign',
        hookInstance: 'h1',
        context: {
          userId: 'Practitioner/d1',
          patientId: 'mbr_AAAAAAAAAAAAAAAAAAAA',
          draftOrders: {
            entry: [
              {
                resource: {
                  subject: { reference: 'Patient/mbr_AAAAAAAAAAAAAAAAAAAA' },
                  requester: { reference: 'Practitioner/d1' },
                },
              },
            ],
          },
        },
      },
    });
  });

  it('says unknown-patient for a patient the gateway never took in', async () => {
    expect(await translateCdsRequest({ hook: 'patient-view', context: { patientId: 'someone-else' } }, find)).toEqual({
      outcome: 'unknown-patient',
    });
  });

  it.each([
    [null, /JSON object/],
    [[], /JSON object/],
    [{ hook: 'patient-view' }, /context is required/],
    [{ context: {} }, /patientId/],
    [{ context: { patientId: 'Patient/ehr-1' } }, /patientId/],
    [{ context: { patientId: 42 } }, /patientId/],
  ])('refuses %j without quoting it', async (body, text) => {
    const result = await translateCdsRequest(body, find);
    expect(result).toEqual({ outcome: 'invalid', text: expect.stringMatching(text) });
  });
});
