// The agent module's public surface: the container builds it, the app mounts its routes.
// Agents, payments, mandates and UCP are used by no other module; the store, the policy engine
// and the adapters stay private to it.
export { createAgentModule, createAgentStore, type AgentModule } from './agent.module';
export { agentRoutes } from './agent.routes';
export { agentPaymentRoutes } from './agent-payment.routes';
export { mandateRoutes } from './mandate/mandate.routes';
export { mountUcpProfile, ucpRoutes } from './ucp/ucp.routes';
// The owner mandate keys, for the AP2 checkout-mandate verifier (`agents.mandates.findOwnerMandateKey`).
export type { OwnerMandateKey } from './mandate/mandate.service';
