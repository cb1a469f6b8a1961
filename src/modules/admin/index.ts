// The admin module's public surface: the container builds it, the app mounts its routes.
// Its services, searches and adapters are private to the module.
export { createAdminModule, type AdminModule } from './admin.module';
export { adminRoutes } from './admin.routes';
// For the MCP edge's request_refund: an agent opens a refund request the operators decide, shown as the API shows it.
export type { RequestingAgent } from './refunds/refund.service';
export { refundRequestFields, toRefundRequestView } from './refunds/refund.schemas';
