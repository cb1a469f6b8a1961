import type { Schemas } from '@ocp/sdk';
import { useState } from 'react';
import { useOcp } from '../ocp';
import { Link } from '../router';
import { DateTime, ErrorNotice, Loading, LoadMore, Money, ShortId, Status, TableBox, usePages } from '../ui';

type CardRefund = Schemas['CardRefund'];
const STATUSES = ['failed', 'pending', 'succeeded', 'all'] as const;
const PAGE_SIZE = 25;

/** Money owed back to cards after ledger refunds: the failed ones first, each opening its detail (and retry). */
export function CardRefunds() {
  const ocp = useOcp();
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('failed');
  const list = usePages(
    (cursor) =>
      ocp.get('/api/v1/admin/card-refunds', {
        params: { query: { limit: PAGE_SIZE, ...(status === 'all' ? {} : { status }), ...(cursor ? { cursor } : {}) } },
      }),
    status,
  );
  const rows = list.rows;
  return (
    <section aria-labelledby="card-refunds-title">
      <h1 id="card-refunds-title">Card refunds</h1>
      <p className="hint">
        When a card-funded transfer is refunded in the ledger, the card is refunded through the processor. A failed one can be retried under
        the same idempotency key: the card is never refunded twice.
      </p>
      <div className="filters">
        <div className="field">
          <label htmlFor="card-refund-status">Status</label>
          <select id="card-refund-status" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <button type="button" className="button-secondary" onClick={list.reload}>
          Refresh
        </button>
      </div>
      <ErrorNotice error={list.error} />
      {list.loading && !rows && <Loading what="card refunds" />}
      {rows && rows.length === 0 && <p role="status">No {status === 'all' ? '' : `${status} `}card refund.</p>}
      {rows && rows.length > 0 && (
        <TableBox label="Card refunds">
          <table>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col" className="numeric">
                  Amount
                </th>
                <th scope="col">Status</th>
                <th scope="col" className="numeric">
                  Attempts
                </th>
                <th scope="col">Last error</th>
                <th scope="col">Refunded transfer</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((refund) => (
                <CardRefundRow key={refund.id} refund={refund} />
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
      <LoadMore list={list} />
    </section>
  );
}

function CardRefundRow({ refund }: { refund: CardRefund }) {
  return (
    <tr data-card-refund-id={refund.id}>
      <td>
        <DateTime value={refund.createdAt} />
      </td>
      <td className="numeric">
        <Money amount={refund.amount} currency={refund.currency} />
      </td>
      <td>
        <Status value={refund.status} />
      </td>
      <td className="numeric">{refund.attempts}</td>
      <td>{refund.lastError ? <code>{refund.lastError}</code> : '—'}</td>
      <td>
        <ShortId id={refund.originalTransferId} />
      </td>
      <td>
        <Link to={`card-refunds/${encodeURIComponent(refund.id)}`} aria-label={`Open the card refund ${refund.id}`}>
          {refund.status === 'failed' ? 'Open · retry' : 'Open'}
        </Link>
      </td>
    </tr>
  );
}
