import { useState, type FormEvent } from 'react';
import { useOcp } from '../ocp';
import { Link } from '../router';
import { DateTime, ErrorNotice, Loading, LoadMore, ShortId, Status, TableBox, usePages } from '../ui';

const PAGE_SIZE = 25;

/** Customers by email prefix or id, newest first (all of them before a search); each opens its profile. */
export function Customers() {
  const ocp = useOcp();
  const [query, setQuery] = useState('');
  const [searched, setSearched] = useState('');
  const list = usePages(
    (cursor) =>
      ocp.get('/api/v1/admin/customers', {
        params: { query: { limit: PAGE_SIZE, ...(searched ? { q: searched } : {}), ...(cursor ? { cursor } : {}) } },
      }),
    searched,
  );
  const { rows, nextCursor } = list;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const q = query.trim();
    if (q === searched) list.reload();
    else setSearched(q);
  };

  return (
    <section aria-labelledby="customers-title">
      <h1 id="customers-title">Customers</h1>
      <form className="filters" role="search" onSubmit={submit}>
        <div className="field">
          <label htmlFor="customer-query">Email or customer id</label>
          <input
            id="customer-query"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="alice@ or a customer id"
            maxLength={254}
          />
        </div>
        <button type="submit" disabled={list.loading}>
          Search
        </button>
      </form>
      <ErrorNotice error={list.error} />
      {list.loading && !rows && <Loading what="customers" />}
      {rows && (
        <>
          <p className="result-count" role="status">
            {rows.length === 0
              ? `No customer matches ${searched ? `"${searched}"` : 'yet'}.`
              : `${rows.length}${nextCursor ? '+' : ''} customer${rows.length === 1 ? '' : 's'}${searched ? ` matching "${searched}"` : ''}`}
          </p>
          {rows.length > 0 && (
            <TableBox label="Customers found">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Email</th>
                    <th scope="col">Id</th>
                    <th scope="col">Since</th>
                    <th scope="col">Login</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((customer) => (
                    <tr key={customer.id}>
                      <td>
                        <Link to={`customers/${encodeURIComponent(customer.id)}`}>{customer.email}</Link>
                      </td>
                      <td>
                        <ShortId id={customer.id} />
                      </td>
                      <td>
                        <DateTime value={customer.createdAt} />
                      </td>
                      <td>
                        <Status value={customer.locked ? 'locked' : 'active'} />
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
