import type { MeasureDetails, MeasureInput } from '@carecircle/outcomes/domain';
import { badRequest } from '../outcome-response';
import type { RecordMeasureRequestDto } from './record-measure.request.dto';

/** Exactly one of answers, total or medications says what was administered. */
export function toMeasureDetails(memberId: string, body: RecordMeasureRequestDto): MeasureDetails {
  const given = (['answers', 'total', 'medications'] as const).filter((key) => body[key] !== undefined);
  if (given.length !== 1) throw badRequest(given[1] ?? 'answers', 'give exactly one of answers, total or medications');
  const input: MeasureInput =
    body.answers !== undefined
      ? { kind: 'answers', answers: body.answers }
      : body.total !== undefined
        ? { kind: 'total', total: body.total, item9: body.item9 ?? null }
        : {
            kind: 'medications',
            medications: body.medications!.map(({ opioid, dailyDose }) => ({ opioid, dailyDose })),
          };
  return {
    memberId,
    measureId: body.measureId,
    instrument: body.instrument,
    input,
    point: body.point,
    administeredAt: new Date(body.administeredAt).toISOString(),
    administeredBy: body.administeredBy,
    groupId: body.groupId ?? null,
  };
}
