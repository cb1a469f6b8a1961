import { formatAmount, parseAmount, type Schemas } from '@ocp/sdk';
import { useId, useState, type FormEvent } from 'react';
import { ReasonAction } from '../components/ReasonAction';
import { useOcp, useSession } from '../ocp';
import { Link, useParams } from '../router';
import { DateTime, ErrorNotice, Loading, Money, ShortId, Status, SuccessNotice, TableBox, useLoad } from '../ui';

type Profile = Schemas['AdminCustomerProfile'];
type Entry = Profile['recentTransactions'][number];

/** One customer: login state, wallets and balances, recent transactions (with refund requests), agents. */
export function CustomerProfile() {
  const ocp = useOcp();
  const { can } = useSession();
  const id = useParams().id ?? '';
  const profile = useLoad(() => ocp.get('/api/v1/admin/customers/{id}', { params: { path: { id } } }), id);
  const [notice, setNotice] = useState<string>();

  /** After an operator action: says what changed and shows the profile as it is now. */
  const changed = (message: string) => {
    setNotice(message);
    profile.reload();
  };

  if (profile.error) return <ErrorNotice error={profile.error} />;
  if (!profile.data) return <Loading what="the customer" />;
  const { customer, wallets, recentTransactions, agents } = profile.data;
  const reason = (r: string) => ({ body: { reason: r } });
  const path = { params: { path: { id: customer.id } } };

  return (
    <section aria-labelledby="customer-title">
      <p className="breadcrumb">
        <Link to="customers">Customers</Link> / profile
      </p>
      <h1 id="customer-title">{customer.email}</h1>
      {notice && <SuccessNotice>{notice}</SuccessNotice>}
      <dl className="facts">
        <dt>Customer id</dt>
        <dd>
          <code>{customer.id}</code>
        </dd>
        <dt>Since</dt>
        <dd>
          <DateTime value={customer.createdAt} />
        </dd>
        <dt>Login</dt>
        <dd>
          <Status value={customer.locked ? 'locked' : 'active'} />
          {customer.locked && customer.lockedReason ? ` — ${customer.lockedReason}` : ''}
        </dd>
      </dl>
      <div className="actions">
        {can('admin:customers:lock') &&
          (customer.locked ? (
            <ReasonAction
              label="Unlock login"
              act={async (r) => {
                await ocp.post('/api/v1/admin/customers/{id}/unlock', { ...path, ...reason(r) });
                changed('The login is unlocked.');
              }}
            />
          ) : (
            <ReasonAction
              label="Lock login"
              danger
              act={async (r) => {
                await ocp.post('/api/v1/admin/customers/{id}/lock', { ...path, ...reason(r) });
                changed('The login is locked: sign-ins fail and its tokens stop working.');
              }}
            />
          ))}
        {can('admin:wallets:freeze') && (
          <>
            <ReasonAction
              label="Freeze all wallets"
              danger
              act={async (r) => {
                const held = await ocp.post('/api/v1/admin/customers/{id}/freeze', { ...path, ...reason(r) });
                changed(`${held.walletIds.length} wallet(s) frozen.`);
              }}
            />
            <ReasonAction
              label="Unfreeze all wallets"
              act={async (r) => {
                const held = await ocp.post('/api/v1/admin/customers/{id}/unfreeze', { ...path, ...reason(r) });
                changed(`${held.walletIds.length} wallet(s) unfrozen.`);
              }}
            />
          </>
        )}
      </div>

      <h2>Wallets</h2>
      {wallets.length === 0 ? (
        <p>No wallet.</p>
      ) : (
        <TableBox label="Wallets">
          <table>
            <thead>
              <tr>
                <th scope="col">Wallet</th>
                <th scope="col">Currency</th>
                <th scope="col" className="numeric">
                  Balance
                </th>
                <th scope="col">Status</th>
                {can('admin:wallets:freeze') && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {wallets.map((wallet) => (
                <tr key={wallet.id} data-wallet-id={wallet.id}>
                  <td>
                    {wallet.label ? `${wallet.label} ` : ''}
                    <ShortId id={wallet.id} />
                  </td>
                  <td>{wallet.currency}</td>
                  <td className="numeric" data-testid="wallet-balance">
                    <Money amount={wallet.balance} currency={wallet.currency} />
                  </td>
                  <td>
                    <Status value={wallet.status} />
                    {wallet.frozenByOperator ? ' (by an operator)' : ''}
                  </td>
                  {can('admin:wallets:freeze') && (
                    <td>
                      {wallet.status === 'frozen' ? (
                        <ReasonAction
                          label="Unfreeze"
                          act={async (r) => {
                            await ocp.post('/api/v1/admin/wallets/{id}/unfreeze', { params: { path: { id: wallet.id } }, ...reason(r) });
                            changed('The wallet is unfrozen.');
                          }}
                        />
                      ) : wallet.status === 'active' ? (
                        <ReasonAction
                          label="Freeze"
                          danger
                          act={async (r) => {
                            await ocp.post('/api/v1/admin/wallets/{id}/freeze', { params: { path: { id: wallet.id } }, ...reason(r) });
                            changed('The wallet is frozen.');
                          }}
                        />
                      ) : null}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}

      <h2>Recent transactions</h2>
      {recentTransactions.length === 0 ? (
        <p>No transaction yet.</p>
      ) : (
        <TableBox label="Recent transactions">
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Type</th>
                <th scope="col" className="numeric">
                  Amount
                </th>
                <th scope="col">Status</th>
                <th scope="col">Transaction</th>
                {can('admin:refunds:request') && <th scope="col">Refund</th>}
              </tr>
            </thead>
            <tbody>
              {recentTransactions.map((entry) => (
                <tr key={entry.id} data-transaction-id={entry.id}>
                  <td>
                    <DateTime value={entry.createdAt} />
                  </td>
                  <td>{entry.type}</td>
                  <td className="numeric">
                    <Money amount={signed(entry)} currency={entry.currency} />
                  </td>
                  <td>
                    <Status value={entry.status} />
                  </td>
                  <td>
                    <ShortId id={entry.id} />
                  </td>
                  {can('admin:refunds:request') && (
                    <td>{refundable(entry) && <RefundRequestForm entry={entry} onOpened={(m) => setNotice(m)} />}</td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}

      <h2>Agents</h2>
      {agents.length === 0 ? (
        <p>No agent.</p>
      ) : (
        <TableBox label="Agents">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Id</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((agent, index) => (
                <tr key={text(agent.id) || index}>
                  <td>{text(agent.name) || '—'}</td>
                  <td>{text(agent.status) ? <Status value={text(agent.status)} /> : '—'}</td>
                  <td>{text(agent.id) ? <ShortId id={text(agent.id)} /> : '—'}</td>
                  <td>
                    <DateTime value={text(agent.createdAt)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
    </section>
  );
}

/**
 * Support opens a refund request on a transaction: all that is left of it by default, or part of it.
 * Finance approves it on the refund requests page (a different operator: four eyes).
 */
function RefundRequestForm({ entry, onOpened }: { entry: Entry; onOpened: (message: string) => void }) {
  const ocp = useOcp();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const part = amount.trim() ? parseAmount(amount, entry.currency).amount : undefined;
      const created = await ocp.post('/api/v1/admin/refunds', {
        body: { transactionId: entry.id, reason: reason.trim(), ...(part ? { amount: part } : {}) },
      });
      setOpen(false);
      onOpened(`Refund request ${created.id} for ${formatted(created)} is ${created.status}: finance approves it under Refund requests.`);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <button
        type="button"
        className="button-secondary"
        onClick={() => setOpen(true)}
        aria-label={`Request a refund of transaction ${entry.id}`}
      >
        Request refund
      </button>
    );
  }
  return (
    <form className="reason-form" onSubmit={(event) => void submit(event)} aria-label={`Refund request for transaction ${entry.id}`}>
      <label htmlFor={`${id}-amount`}>Amount ({entry.currency}, empty for all that is left)</label>
      <input id={`${id}-amount`} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} placeholder="e.g. 5.00" />
      <label htmlFor={`${id}-reason`}>Reason</label>
      <input id={`${id}-reason`} required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
      <div className="actions">
        <button type="submit" disabled={busy || !reason.trim()}>
          Open request
        </button>
        <button type="button" className="button-secondary" onClick={() => setOpen(false)} disabled={busy}>
          Cancel
        </button>
      </div>
      <ErrorNotice error={error} />
    </form>
  );
}

/** A refund, or a transfer already reversed, has nothing left to give back: the API would refuse. */
function refundable(entry: Entry): boolean {
  return entry.type !== 'refund' && entry.status === 'completed';
}

/** Debits shown negative, so a column of amounts reads like a statement. */
function signed(entry: Entry): string {
  const amount = entry.amount.replace(/^-/, '');
  return entry.direction === 'debit' ? `-${amount}` : amount;
}

function formatted(request: Schemas['RefundRequest']): string {
  return formatAmount({ amount: request.amount, currency: request.currency });
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
