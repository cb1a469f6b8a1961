import { Counter } from 'prom-client';
import type { Metrics } from '../../infra/metrics';
import type { EventBus } from '../../shared/events';

/** Agent decisions, fed by the agent events (not by lines inside the payment path). */
export function subscribeAgentMetrics(bus: EventBus, metrics: Metrics): void {
  const decisions = new Counter({
    name: 'ocp_agent_payment_decisions_total',
    help: 'Agent payment decisions: completed, refused (by rule or error code), pending_approval, and the owner declined or let expire',
    labelNames: ['decision', 'reason'] as const,
    registers: [metrics.registry],
  });
  bus.subscribe('agent.payment.completed', () => decisions.inc({ decision: 'completed', reason: '' }));
  bus.subscribe('agent.approval.requested', () => decisions.inc({ decision: 'pending_approval', reason: '' }));
  bus.subscribe('agent.approval.declined', () => decisions.inc({ decision: 'declined', reason: '' }));
  bus.subscribe('agent.approval.expired', () => decisions.inc({ decision: 'expired', reason: '' }));
  bus.subscribe('agent.payment.refused', (e) => {
    const { rule, code } = e.data as { rule: string | null; code: string };
    decisions.inc({ decision: 'refused', reason: rule ?? code });
  });
}
