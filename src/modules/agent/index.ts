// The agent module's public surface: the container builds it, the app mounts its routes.
// Agents, payments and mandates are used by no other module; the store, the policy engine and the
// adapters stay private to it.
export { createAgentModule, createAgentStore, type AgentModule } from './agent.module';
export { agentRoutes } from './agent.routes';
// For the GraphQL edge: the same input rules and view as the /agents routes.
export { createAgentBody, toAgentView, unlimitedPolicy, updateAgentBody } from './agent.schemas';
export type { AgentService } from './agent.service';
export { agentPaymentRoutes } from './agent-payment.routes';
// For the MCP edge: its `pay` tool answers and stores exactly what POST /a2a/transfers does.
export { agentPaymentFields, paymentReply, toAgentPaymentView } from './agent-payment.schemas';
export { toIssuedCredentialView } from './ucp/payment-credential.schemas';
export { mandateRoutes } from './mandate/mandate.routes';
export { ucpRoutes } from './ucp/ucp.routes';
// OCP wallets as a UCP payment handler: the checkout sessions of OCP's merchants redeem credentials
// in-process, and discovery advertises the handler object.
export { paymentCredentialRoutes } from './ucp/payment-credential.routes';
export { mountPaymentHandlerDocuments } from './ucp/payment-handler.routes';
export type { UcpCredentialRedeemer, RedeemRequest, RedeemedPayment } from './ucp/payment-credential.service';
export {
  ocpPaymentHandler,
  handlerConfigSchema,
  handlerInstrumentSchema,
  OCP_HANDLER_ID,
  OCP_INSTRUMENT_TYPE,
  OCP_CREDENTIAL_TYPE,
  UCP_HANDLER_VERSION,
  type OcpPaymentHandler,
  type PaymentHandlerSettings,
} from './ucp/payment-handler';
// The owner mandate keys, for the AP2 checkout-mandate verifier (`agents.mandates.findOwnerMandateKey`).
export type { OwnerMandateKey } from './mandate/mandate.service';
// x402 payments for agents, for the x402 edge (src/protocols/x402), and their history's routes.
export { x402PaymentRoutes } from './x402-payment.routes';
export { toX402PaymentView, x402PaymentView } from './x402-payment.schemas';
export type { AgentX402Service, X402Authorization } from './x402-payment.service';
export type { AgentX402Payment, UnresolvedX402Payment, X402PaymentKey } from './x402-payment.repository';
export type { X402PaymentFacts } from './policy';
