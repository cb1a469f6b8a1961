import { formatAmount, type Schemas } from '@ocp/sdk';
import { useState } from 'react';
import { ReasonAction } from '../components/ReasonAction';
import { useOcp, useSession } from '../ocp';
import { DateTime, ErrorNotice, Loading, LoadMore, ShortId, Status, SuccessNotice, TableBox, usePages } from '../ui';

type Alert = Schemas['MonitoringAlert'];
type Rule = Alert['rule'];
const RULES: readonly Rule[] = ['large_movement', 'velocity', 'repeated_declines', 'agent_policy_refusals'];
const STATUSES = ['open', 'resolved', 'all'] as const;
const PAGE_SIZE = 25;

/** The alerts the monitoring rules raise, newest first; an operator resolves one with a note. */
export function Alerts() {
  const ocp = useOcp();
  const { can } = useSession();
  const [status, setStatus] = useState<(typeof STATUSES)[number]>('open');
  const [rule, setRule] = useState<Rule | 'all'>('all');
  const [notice, setNotice] = useState<string>();
  const list = usePages(
    (cursor) =>
      ocp.get('/api/v1/admin/alerts', {
        params: {
          query: {
            limit: PAGE_SIZE,
            ...(status === 'all' ? {} : { status }),
            ...(rule === 'all' ? {} : { rule }),
            ...(cursor ? { cursor } : {}),
          },
        },
      }),
    `${status} ${rule}`,
  );
  const mayResolve = can('admin:alerts:resolve');

  const resolve = async (alert: Alert, note: string) => {
    setNotice(undefined);
    await ocp.post('/api/v1/admin/alerts/{id}/resolve', { params: { path: { id: alert.id } }, body: { note } });
    setNotice(`Resolved the ${ruleLabel(alert.rule)} alert on ${alert.subjectType} ${alert.subjectId}.`);
    list.reload();
  };

  const rows = list.rows;
  return (
    <section aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
      <div className="filters">
        <div className="field">
          <label htmlFor="alert-status">Status</label>
          <select id="alert-status" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="alert-rule">Rule</label>
          <select id="alert-rule" value={rule} onChange={(e) => setRule(e.target.value as typeof rule)}>
            <option value="all">all rules</option>
            {RULES.map((r) => (
              <option key={r} value={r}>
                {ruleLabel(r)}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button-secondary" onClick={list.reload}>
          Refresh
        </button>
      </div>
      {notice && <SuccessNotice>{notice}</SuccessNotice>}
      <ErrorNotice error={list.error} />
      {list.loading && !rows && <Loading what="alerts" />}
      {rows && rows.length === 0 && <p role="status">No {status === 'all' ? '' : `${status} `}alert.</p>}
      {rows && rows.length > 0 && (
        <TableBox label="Alerts">
          <table>
            <thead>
              <tr>
                <th scope="col">Raised</th>
                <th scope="col">Rule</th>
                <th scope="col">Subject</th>
                <th scope="col">What happened</th>
                <th scope="col">Status</th>
                <th scope="col">Resolution</th>
                {mayResolve && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((alert) => (
                <tr key={alert.id} data-alert-id={alert.id}>
                  <td>
                    <DateTime value={alert.createdAt} />
                  </td>
                  <td>{ruleLabel(alert.rule)}</td>
                  <td>
                    {alert.subjectType} <ShortId id={alert.subjectId} />
                  </td>
                  <td>{describe(alert)}</td>
                  <td>
                    <Status value={alert.status} />
                  </td>
                  <td>
                    {alert.resolvedAt ? (
                      <>
                        <DateTime value={alert.resolvedAt} />
                        {alert.resolvedBy && (
                          <>
                            {' by '}
                            <ShortId id={alert.resolvedBy} />
                          </>
                        )}
                        {alert.resolutionNote ? ` — ${alert.resolutionNote}` : ''}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  {mayResolve && (
                    <td>{alert.status === 'open' && <ReasonAction label="Resolve" act={(note) => resolve(alert, note)} />}</td>
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

const ruleLabel = (rule: string) => rule.replaceAll('_', ' ');

/** The alert's details as a sentence: each rule records its own figures. */
function describe(alert: Alert): string {
  const d = alert.details;
  const text = (key: string) => (typeof d[key] === 'string' || typeof d[key] === 'number' ? String(d[key]) : undefined);
  const window = text('windowMs') ? ` within ${minutes(Number(text('windowMs')))}` : '';
  const limit = text('limit') ? ` (limit ${text('limit')})` : '';
  switch (alert.rule) {
    case 'large_movement': {
      const currency = text('currency');
      const amount = text('amount');
      if (!currency || !amount) break;
      return `A ${ruleLabel(text('type') ?? 'movement')} of ${formatAmount({ amount, currency })}, above ${formatAmount({ amount: text('limit') ?? '0', currency })}`;
    }
    case 'velocity':
      return `${text('count')} debits${window}${limit}`;
    case 'repeated_declines':
      return `${text('count')} card declines${window}${limit}`;
    case 'agent_policy_refusals':
      return `${text('count')} policy refusals${window}${limit}${text('lastRule') ? `, the last by ${ruleLabel(text('lastRule')!)}` : ''}`;
  }
  return Object.entries(d)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m >= 120 && m % 60 === 0 ? `${m / 60} hours` : `${m} minute${m === 1 ? '' : 's'}`;
}
