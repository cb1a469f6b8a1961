import { useState } from 'react';
import { ReasonAction } from '../components/ReasonAction';
import { useOcp, useSession } from '../ocp';
import { Link, useParams } from '../router';
import { DateTime, ErrorNotice, Loading, Money, Status, SuccessNotice, useLoad } from '../ui';

/** One card refund: what is owed to which card charge, the attempts so far, and a retry when the last one failed. */
export function CardRefund() {
  const ocp = useOcp();
  const { can } = useSession();
  const id = useParams().id ?? '';
  const refund = useLoad(() => ocp.get('/api/v1/admin/card-refunds/{id}', { params: { path: { id } } }), id);
  const [notice, setNotice] = useState<string>();

  const retry = async (reason: string) => {
    setNotice(undefined);
    const reopened = await ocp.post('/api/v1/admin/card-refunds/{id}/retry', { params: { path: { id } }, body: { reason } });
    setNotice(`Sent to ${reopened.processor} again: the refund is ${reopened.status}. Refresh for the outcome.`);
    refund.reload();
  };

  const r = refund.data;
  return (
    <section aria-labelledby="card-refund-title">
      <p className="breadcrumb">
        <Link to="card-refunds">Card refunds</Link> /
      </p>
      <h1 id="card-refund-title">Card refund {r && <Money amount={r.amount} currency={r.currency} />}</h1>
      {notice && <SuccessNotice>{notice}</SuccessNotice>}
      <ErrorNotice error={refund.error} />
      {refund.loading && !r && <Loading what="the card refund" />}
      {r && (
        <>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <Status value={r.status} />
            </dd>
            <dt>Attempts</dt>
            <dd>{r.attempts}</dd>
            <dt>Last error</dt>
            <dd>{r.lastError ? <code>{r.lastError}</code> : '—'}</dd>
            <dt>Processor</dt>
            <dd>{r.processor}</dd>
            <dt>Card refund id</dt>
            <dd>
              <code>{r.id}</code> (also the processor’s idempotency key)
            </dd>
            <dt>Card charge</dt>
            <dd>
              <code>{r.chargeId}</code>
            </dd>
            <dt>Refunded transfer</dt>
            <dd>
              <code>{r.originalTransferId}</code>
            </dd>
            <dt>Ledger refund</dt>
            <dd>
              <code>{r.refundTransferId}</code>
            </dd>
            <dt>Created</dt>
            <dd>
              <DateTime value={r.createdAt} />
            </dd>
            <dt>Updated</dt>
            <dd>
              <DateTime value={r.updatedAt} />
            </dd>
          </dl>
          <div className="actions">
            {r.status === 'failed' && can('admin:card-refunds:retry') && (
              <ReasonAction label="Retry" confirmLabel="Retry the refund" act={retry} />
            )}
            {r.status === 'failed' && !can('admin:card-refunds:retry') && (
              <p className="hint">Retrying needs the permission admin:card-refunds:retry (finance or admin).</p>
            )}
            <button type="button" className="button-secondary" onClick={refund.reload}>
              Refresh
            </button>
          </div>
        </>
      )}
    </section>
  );
}
