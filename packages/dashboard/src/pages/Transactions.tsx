import { parseAmount, type paths } from '@ocp/sdk';
import { useState, type FormEvent } from 'react';
import { useOcp } from '../ocp';
import { DateTime, ErrorNotice, Loading, LoadMore, Money, ShortId, Status, TableBox, usePages } from '../ui';

const PAGE_SIZE = 50;
const STATUSES = ['pending', 'completed', 'failed', 'reversed'] as const;

interface Filters {
  status: string;
  type: string;
  currency: string;
  minAmount: string;
  maxAmount: string;
  walletId: string;
  customerId: string;
  initiatedBy: string;
  from: string;
  to: string;
}
const NO_FILTERS: Filters = {
  status: '',
  type: '',
  currency: '',
  minAmount: '',
  maxAmount: '',
  walletId: '',
  customerId: '',
  initiatedBy: '',
  from: '',
  to: '',
};

/** Every transfer on the ledger, newest first, filtered as the admin API allows. */
export function Transactions() {
  const ocp = useOcp();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [query, setQuery] = useState<TransactionQuery>({});
  const [formError, setFormError] = useState<unknown>();
  const list = usePages(
    (cursor) => ocp.get('/api/v1/admin/transactions', { params: { query: { ...query, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } } }),
    JSON.stringify(query),
  );
  const { rows, nextCursor } = list;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(undefined);
    try {
      const next = toQuery(filters);
      if (JSON.stringify(next) === JSON.stringify(query)) list.reload();
      else setQuery(next);
    } catch (problem) {
      setFormError(problem);
    }
  };
  const field = (name: keyof Filters) => ({
    id: `tx-${name}`,
    value: filters[name],
    onChange: (e: { target: { value: string } }) => setFilters((f) => ({ ...f, [name]: e.target.value })),
  });

  return (
    <section aria-labelledby="transactions-title">
      <h1 id="transactions-title">Transactions</h1>
      <form className="filters filters-grid" role="search" aria-label="Transaction filters" onSubmit={submit}>
        <div className="field">
          <label htmlFor="tx-status">Status</label>
          <select {...field('status')}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="tx-type">Type</label>
          <input {...field('type')} placeholder="transfer, refund…" pattern="[a-z_0-9]{1,40}" />
        </div>
        <div className="field">
          <label htmlFor="tx-currency">Currency</label>
          <input {...field('currency')} placeholder="USD" maxLength={3} />
        </div>
        <div className="field">
          <label htmlFor="tx-minAmount">Minimum amount</label>
          <input {...field('minAmount')} inputMode="decimal" placeholder="10.00" />
        </div>
        <div className="field">
          <label htmlFor="tx-maxAmount">Maximum amount</label>
          <input {...field('maxAmount')} inputMode="decimal" placeholder="500.00" />
        </div>
        <div className="field">
          <label htmlFor="tx-walletId">Wallet id</label>
          <input {...field('walletId')} maxLength={64} />
        </div>
        <div className="field">
          <label htmlFor="tx-customerId">Customer id</label>
          <input {...field('customerId')} maxLength={64} />
        </div>
        <div className="field">
          <label htmlFor="tx-initiatedBy">Initiated by</label>
          <input {...field('initiatedBy')} maxLength={64} placeholder="a user, agent, client or operator id" />
        </div>
        <div className="field">
          <label htmlFor="tx-from">From</label>
          <input {...field('from')} type="datetime-local" />
        </div>
        <div className="field">
          <label htmlFor="tx-to">To</label>
          <input {...field('to')} type="datetime-local" />
        </div>
        <div className="actions">
          <button type="submit" disabled={list.loading}>
            Search
          </button>
          <button type="button" className="button-secondary" onClick={() => setFilters(NO_FILTERS)}>
            Clear filters
          </button>
        </div>
      </form>
      <ErrorNotice error={formError ?? list.error} />
      {list.loading && !rows && <Loading what="transactions" />}
      {rows && (
        <>
          <p className="result-count" role="status">
            {rows.length === 0
              ? 'No transaction matches.'
              : `${rows.length}${nextCursor ? '+' : ''} transaction${rows.length === 1 ? '' : 's'}`}
          </p>
          {rows.length > 0 && (
            <TableBox label="Transactions found">
              <table>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Type</th>
                    <th scope="col" className="numeric">
                      Amount
                    </th>
                    <th scope="col" className="numeric">
                      Refunded
                    </th>
                    <th scope="col">Status</th>
                    <th scope="col">From wallet</th>
                    <th scope="col">To wallet</th>
                    <th scope="col">Initiated by</th>
                    <th scope="col">Transfer</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((t) => (
                    <tr key={t.id}>
                      <td>
                        <DateTime value={t.createdAt} />
                      </td>
                      <td>
                        {t.type}
                        {t.refundOf ? (
                          <>
                            {' '}
                            of <ShortId id={t.refundOf} />
                          </>
                        ) : null}
                      </td>
                      <td className="numeric">
                        <Money amount={t.amount} currency={t.currency} />
                      </td>
                      <td className="numeric">
                        {t.refundedAmount !== '0' ? <Money amount={t.refundedAmount} currency={t.currency} /> : '—'}
                      </td>
                      <td>
                        <Status value={t.status} />
                      </td>
                      <td>
                        <ShortId id={t.fromWalletId} />
                      </td>
                      <td>
                        <ShortId id={t.toWalletId} />
                      </td>
                      <td>
                        <ShortId id={t.initiatedBy} />
                      </td>
                      <td>
                        <ShortId id={t.id} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableBox>
          )}
          <LoadMore list={list} />
        </>
      )}
    </section>
  );
}

type TransactionQuery = Omit<NonNullable<paths['/api/v1/admin/transactions']['get']['parameters']['query']>, 'limit' | 'cursor'>;

/** The form as the API's query: amounts to exact minor units of the chosen currency, local times to instants. */
function toQuery(f: Filters): TransactionQuery {
  const currency = f.currency.trim().toUpperCase();
  const minor = (text: string, name: string) => {
    if (!text.trim()) return undefined;
    if (!currency) throw new Error(`Choose a currency to filter by ${name}: amounts are exact in a currency's minor units`);
    return parseAmount(text, currency).amount;
  };
  const instant = (local: string) => (local ? new Date(local).toISOString() : undefined);
  const entries = {
    status: f.status || undefined,
    type: f.type.trim() || undefined,
    currency: currency || undefined,
    minAmount: minor(f.minAmount, 'minimum amount'),
    maxAmount: minor(f.maxAmount, 'maximum amount'),
    walletId: f.walletId.trim() || undefined,
    customerId: f.customerId.trim() || undefined,
    initiatedBy: f.initiatedBy.trim() || undefined,
    from: instant(f.from),
    to: instant(f.to),
  };
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as TransactionQuery;
}
