import type { Schemas } from '@ocp/sdk';
import { useState, type FormEvent } from 'react';
import { useOcp } from '../ocp';
import { DateTime, ErrorNotice, Loading, LoadMore, ShortId, Status, TableBox, usePages } from '../ui';

type AuditRecord = Schemas['AuditRecord'];
const PAGE_SIZE = 25;
const DAY_MS = 86_400_000;

interface Filter {
  actorId: string;
  action: string;
  targetType: string;
  targetId: string;
  outcome: '' | 'succeeded' | 'refused';
  /** Days (yyyy-mm-dd, UTC), both included. */
  fromDay: string;
  toDay: string;
}
const NO_FILTER: Filter = { actorId: '', action: '', targetType: '', targetId: '', outcome: '', fromDay: '', toDay: '' };

/** The filter as the API's query: empty fields left out, days as the UTC instants that bound them. */
function toQuery(f: Filter) {
  return {
    ...(f.actorId.trim() ? { actorId: f.actorId.trim() } : {}),
    ...(f.action.trim() ? { action: f.action.trim() } : {}),
    ...(f.targetType.trim() ? { targetType: f.targetType.trim() } : {}),
    ...(f.targetId.trim() ? { targetId: f.targetId.trim() } : {}),
    ...(f.outcome ? { outcome: f.outcome } : {}),
    ...(f.fromDay ? { from: `${f.fromDay}T00:00:00.000Z` } : {}),
    ...(f.toDay ? { to: new Date(Date.parse(`${f.toDay}T00:00:00.000Z`) + DAY_MS).toISOString() } : {}),
  };
}

/** Every admin action, newest first, by operator, action, target, outcome and days; cursor pages. */
export function AuditLog() {
  const ocp = useOcp();
  const [draft, setDraft] = useState<Filter>(NO_FILTER);
  const [filter, setFilter] = useState<Filter>(NO_FILTER);
  const query = toQuery(filter);
  const list = usePages(
    (cursor) => ocp.get('/api/v1/admin/audit', { params: { query: { limit: PAGE_SIZE, ...query, ...(cursor ? { cursor } : {}) } } }),
    JSON.stringify(query),
  );
  const field = (name: keyof Filter) => ({
    id: `audit-${name}`,
    value: draft[name],
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }),
  });
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFilter(draft);
  };
  const clear = () => {
    setDraft(NO_FILTER);
    setFilter(NO_FILTER);
  };

  const rows = list.rows;
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form className="filters filters-grid" role="search" aria-label="Filter the audit log" onSubmit={apply}>
        <div className="field">
          <label htmlFor="audit-actorId">Operator id</label>
          <input {...field('actorId')} maxLength={64} />
        </div>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <input
            {...field('action')}
            placeholder="refund.approve"
            pattern="[a-z_.]{1,64}"
            title="Lower-case letters, dots and underscores"
          />
        </div>
        <div className="field">
          <label htmlFor="audit-targetType">Target type</label>
          <input {...field('targetType')} placeholder="wallet" pattern="[a-z_]{1,32}" title="Lower-case letters and underscores" />
        </div>
        <div className="field">
          <label htmlFor="audit-targetId">Target id</label>
          <input {...field('targetId')} maxLength={64} />
        </div>
        <div className="field">
          <label htmlFor="audit-outcome">Outcome</label>
          <select {...field('outcome')}>
            <option value="">any</option>
            <option value="succeeded">succeeded</option>
            <option value="refused">refused</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-fromDay">From (UTC day)</label>
          <input type="date" {...field('fromDay')} />
        </div>
        <div className="field">
          <label htmlFor="audit-toDay">To (UTC day, included)</label>
          <input type="date" {...field('toDay')} />
        </div>
        <div className="actions">
          <button type="submit">Apply</button>
          <button type="button" className="button-secondary" onClick={clear}>
            Clear
          </button>
        </div>
      </form>
      <ErrorNotice error={list.error} />
      {list.loading && !rows && <Loading what="the audit log" />}
      {rows && rows.length === 0 && <p role="status">No audit record matches.</p>}
      {rows && rows.length > 0 && (
        <TableBox label="Audit records">
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Operator</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Outcome</th>
                <th scope="col">Reason</th>
                <th scope="col">Record</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((record) => (
                <AuditRow key={record.id} record={record} />
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
      <LoadMore list={list} />
    </section>
  );
}

function AuditRow({ record }: { record: AuditRecord }) {
  return (
    <tr data-audit-id={record.id}>
      <td>
        <DateTime value={record.createdAt} />
      </td>
      <td>
        <ShortId id={record.actorId} /> ({record.actorRole})
      </td>
      <td>
        <code>{record.action}</code>
      </td>
      <td>
        {record.targetType} <ShortId id={record.targetId} />
      </td>
      <td>
        <Status value={record.outcome} />
        {record.errorCode && (
          <>
            {' '}
            <code>{record.errorCode}</code>
          </>
        )}
      </td>
      <td>{record.reason ?? '—'}</td>
      <td>
        <details>
          <summary>Details</summary>
          <dl className="facts">
            <dt>Request</dt>
            <dd>
              <code>{record.requestId}</code>
            </dd>
            <dt>IP</dt>
            <dd>{record.ip}</dd>
            {record.before !== null && record.before !== undefined && (
              <>
                <dt>Before</dt>
                <dd>
                  <pre>{JSON.stringify(record.before, null, 2)}</pre>
                </dd>
              </>
            )}
            {record.after !== null && record.after !== undefined && (
              <>
                <dt>After</dt>
                <dd>
                  <pre>{JSON.stringify(record.after, null, 2)}</pre>
                </dd>
              </>
            )}
          </dl>
        </details>
      </td>
    </tr>
  );
}
