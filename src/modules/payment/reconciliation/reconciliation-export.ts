import { minorToDecimal } from '../../../shared/money/money';
import type { ReconciliationItem, ReconciliationResult } from './reconciliation.repository';
import type { ReconciliationService } from './reconciliation.service';

export const EXPORT_HEADER = [
  'seq',
  'kind',
  'result',
  'processor_id',
  'line',
  'their_amount',
  'their_currency',
  'their_fee',
  'their_date',
  'our_id',
  'our_amount',
  'our_currency',
  'our_date',
] as const;
const PAGE = 1_000;

/**
 * Every item of a reconciliation as CSV, amounts in major units as the files write them. No field
 * needs quoting: ids are letters, digits and _-.: (checked when the file was read), the rest numbers and dates.
 */
export async function exportItemsCsv(service: ReconciliationService, id: string, result?: ReconciliationResult): Promise<string> {
  const lines: string[] = [EXPORT_HEADER.join(',')];
  let after: number | undefined;
  do {
    const page = await service.items(id, result, PAGE, after);
    for (const item of page.data) lines.push(toCsvLine(item));
    after = page.nextSeq ?? undefined;
  } while (after !== undefined);
  return `${lines.join('\n')}\n`;
}

function toCsvLine({ seq, kind, result, processorId, theirs, ours }: ReconciliationItem): string {
  return [
    seq,
    kind,
    result,
    processorId,
    theirs?.line ?? '',
    theirs ? minorToDecimal(theirs.amountMinor, theirs.currency) : '',
    theirs?.currency ?? '',
    theirs ? minorToDecimal(theirs.feeMinor, theirs.currency) : '',
    theirs?.occurredAt.toISOString() ?? '',
    ours?.id ?? '',
    ours ? minorToDecimal(ours.amountMinor, ours.currency) : '',
    ours?.currency ?? '',
    ours?.occurredAt.toISOString() ?? '',
  ].join(',');
}
