import type { ComponentType } from 'react';
import { Alerts } from './pages/Alerts';
import { Analytics } from './pages/Analytics';
import { AuditLog } from './pages/AuditLog';
import { CardRefund } from './pages/CardRefund';
import { CardRefunds } from './pages/CardRefunds';
import { CustomerProfile } from './pages/CustomerProfile';
import { Customers } from './pages/Customers';
import { RefundRequests } from './pages/RefundRequests';
import { Transactions } from './pages/Transactions';

/**
 * Every page of the dashboard, in navigation order. A page is a component with no props in
 * src/pages/<Name>.tsx that calls the API through useOcp(). Entries with a label appear in the
 * navigation for operators whose token carries `permission`; the others (a profile, a detail) are
 * reached by links. The API checks the permission again on every call.
 */
export interface PageEntry {
  /** Below /admin/; ":name" is a parameter the page reads with useParams(). */
  path: string;
  /** The navigation's text; none for pages reached only by a link. */
  label?: string;
  permission: string;
  component: ComponentType;
}

export const PAGES: readonly PageEntry[] = [
  { path: 'customers', label: 'Customers', permission: 'admin:customers:read', component: Customers },
  { path: 'customers/:id', permission: 'admin:customers:read', component: CustomerProfile },
  { path: 'transactions', label: 'Transactions', permission: 'admin:transactions:read', component: Transactions },
  { path: 'refunds', label: 'Refund requests', permission: 'admin:refunds:read', component: RefundRequests },
  { path: 'card-refunds', label: 'Card refunds', permission: 'admin:card-refunds:read', component: CardRefunds },
  { path: 'card-refunds/:id', permission: 'admin:card-refunds:read', component: CardRefund },
  { path: 'alerts', label: 'Alerts', permission: 'admin:alerts:read', component: Alerts },
  { path: 'analytics', label: 'Analytics', permission: 'admin:analytics:read', component: Analytics },
  { path: 'audit', label: 'Audit log', permission: 'admin:audit:read', component: AuditLog },
];
