import { formatAmount, type Schemas } from '@ocp/sdk';
import { useState } from 'react';
import { ReasonAction } from '../components/ReasonAction';
import { useOcp, useSession } from '../ocp';
import { Link } from '../router';
import { DateTime, ErrorNotice, Loading, LoadMore, Money, ShortId, Status, SuccessNotice, TableBox, usePages } from '../ui';

type RefundRequest = Schemas['RefundRequest'];
const STATUSES = ['pending', 'approved', 'rejected'] as const;
type StatusFilter = (typeof STATUSES)[number] | 'all';

/**
 * Refund requests and the four-eyes decision: support (or the customer) opens a request, finance
 * approves or rejects it, and the API refuses an approval by the operator who asked.
 */
export function RefundRequests() {
  const ocp = useOcp();
  const { can, session } = useSession();
  const [status, setStatus] = useState<StatusFilter>('pending');
  const list = usePages(
    (cursor) =>
      ocp.get('/api/v1/admin/refunds', {
        params: { query: { limit: 50, ...(status === 'all' ? {} : { status }), ...(cursor ? { cursor } : {}) } },
      }),
    status,
  );
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busyId, setBusyId] = useState<string>();
  const mayDecide = can('admin:refunds:approve');
  const me = session?.claims.sub;

  const refresh = list.reload;
  const approve = async (request: RefundRequest) => {
    setBusyId(request.id);
    setError(undefined);
    setNotice(undefined);
    try {
      const { refund } = await ocp.post('/api/v1/admin/refunds/{id}/approve', { params: { path: { id: request.id } } });
      setNotice(`Approved: ${formatted(request)} went back (refund transfer ${refund.transfer.id}).`);
      refresh();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusyId(undefined);
    }
  };
  const reject = async (request: RefundRequest, reason: string) => {
    setError(undefined);
    setNotice(undefined);
    await ocp.post('/api/v1/admin/refunds/{id}/reject', { params: { path: { id: request.id } }, body: { reason } });
    setNotice(`Rejected the request for ${formatted(request)}.`);
    refresh();
  };
  const { rows } = list;

  return (
    <section aria-labelledby="refunds-title">
      <h1 id="refunds-title">Refund requests</h1>
      <p className="hint">
        Support opens a request on a customer’s transaction; finance approves or rejects it. Four eyes: beyond the limits this server sets,
        the operator who opened a request cannot approve it.
      </p>
      <div className="filters">
        <div className="field">
          <label htmlFor="refund-status">Status</label>
          <select id="refund-status" value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            <option value="all">all</option>
          </select>
        </div>
        <button type="button" className="button-secondary" onClick={refresh}>
          Refresh
        </button>
      </div>
      {notice && <SuccessNotice>{notice}</SuccessNotice>}
      <ErrorNotice error={error ?? list.error} />
      {list.loading && !rows && <Loading what="refund requests" />}
      {rows && rows.length === 0 && <p role="status">No {status === 'all' ? '' : `${status} `}refund request.</p>}
      {rows && rows.length > 0 && (
        <TableBox label="Refund requests">
          <table>
            <thead>
              <tr>
                <th scope="col">Opened</th>
                <th scope="col">Customer</th>
                <th scope="col" className="numeric">
                  Amount
                </th>
                <th scope="col">Reason</th>
                <th scope="col">Requested by</th>
                <th scope="col">Status</th>
                <th scope="col">Decision</th>
                {mayDecide && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((request) => (
                <tr key={request.id} data-refund-request-id={request.id}>
                  <td>
                    <DateTime value={request.createdAt} />
                  </td>
                  <td>
                    {request.customerId ? (
                      <Link to={`customers/${encodeURIComponent(request.customerId)}`} aria-label={`Customer ${request.customerId}`}>
                        <ShortId id={request.customerId} />
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="numeric">
                    <Money amount={request.amount} currency={request.currency} />
                  </td>
                  <td>{request.reason}</td>
                  <td>
                    {request.requestedBy === me ? 'you' : <ShortId id={request.requestedBy} />} ({request.requestedByRole})
                  </td>
                  <td>
                    <Status value={request.status} />
                  </td>
                  <td>
                    {request.decidedAt ? (
                      <>
                        <DateTime value={request.decidedAt} />
                        {request.decisionReason ? ` — ${request.decisionReason}` : ''}
                      </>
                    ) : (
                      'waiting for finance'
                    )}
                  </td>
                  {mayDecide && (
                    <td>
                      {request.status === 'pending' && (
                        <div className="actions">
                          <button type="button" disabled={busyId === request.id} onClick={() => void approve(request)}>
                            Approve
                          </button>
                          <ReasonAction label="Reject" danger act={(reason) => reject(request, reason)} />
                        </div>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
      <LoadMore list={list} />
    </section>
  );
}

function formatted(request: RefundRequest): string {
  return formatAmount({ amount: request.amount, currency: request.currency });
}
