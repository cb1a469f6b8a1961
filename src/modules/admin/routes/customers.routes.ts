import type { Api } from '../../../http/api';
import type { AdminModule } from '../admin.module';
import { idParams } from '../../../http/params';
import { adminContext, reasonBody } from '../admin.schemas';
import {
  customerHoldView,
  customerPageView,
  customerProfileView,
  customerQuery,
  customerView,
  customerWalletView,
  toAgentView,
  toCustomerView,
  toCustomerWalletView,
  toEntryView,
} from '../customers/customer.schemas';

const tags = ['admin'];

/** Customer search and profile, wallet and customer freezes, login locks. */
export function adminCustomerRoutes(api: Api, admin: AdminModule): void {
  api.route({
    method: 'get',
    path: '/admin/customers',
    summary: 'Search customers by id or email prefix, newest first',
    tags,
    permission: 'admin:customers:read',
    query: customerQuery,
    responses: { 200: { description: 'A page of customers', schema: customerPageView } },
    handler: async ({ query }) => {
      const page = await admin.customers.search(query.q, query.limit, query.cursor);
      return { status: 200, body: { data: page.data.map(toCustomerView), nextCursor: page.nextCursor } };
    },
  });

  api.route({
    method: 'get',
    path: '/admin/customers/:id',
    summary: 'A customer with their wallets, recent transactions and agents',
    tags,
    permission: 'admin:customers:read',
    params: idParams,
    responses: { 200: { description: 'The customer profile', schema: customerProfileView } },
    handler: async ({ params }) => {
      const p = await admin.customers.profile(params.id);
      return {
        status: 200,
        body: {
          customer: toCustomerView(p.customer),
          wallets: p.wallets.map(toCustomerWalletView),
          recentTransactions: p.recentTransactions.map(toEntryView),
          agents: p.agents.map(toAgentView),
        },
      };
    },
  });

  for (const hold of [true, false]) {
    const verb = hold ? 'freeze' : 'unfreeze';
    api.route({
      method: 'post',
      path: `/admin/wallets/:id/${verb}`,
      summary: hold ? 'Freeze a wallet (it can neither send nor receive; its owner cannot undo it)' : 'Unfreeze a wallet',
      tags,
      permission: 'admin:wallets:freeze',
      params: idParams,
      body: reasonBody,
      responses: { 200: { description: 'The wallet', schema: customerWalletView } },
      handler: async (input) => ({
        status: 200,
        body: toCustomerWalletView(await admin.customers.setWalletHold(adminContext(input), input.params.id, hold, input.body.reason)),
      }),
    });

    api.route({
      method: 'post',
      path: `/admin/customers/:id/${verb}`,
      summary: hold ? 'Freeze every open wallet of a customer' : 'Unfreeze every frozen wallet of a customer',
      tags,
      permission: 'admin:wallets:freeze',
      params: idParams,
      body: reasonBody,
      responses: { 200: { description: 'The wallets changed', schema: customerHoldView } },
      handler: async (input) => {
        const { walletIds } = await admin.customers.setCustomerHold(adminContext(input), input.params.id, hold, input.body.reason);
        return { status: 200, body: { customerId: input.params.id, walletIds } };
      },
    });
  }

  for (const lock of [true, false]) {
    api.route({
      method: 'post',
      path: `/admin/customers/:id/${lock ? 'lock' : 'unlock'}`,
      summary: lock ? 'Lock a login: no sign-in or refresh, and its access tokens stop working' : 'Unlock a login',
      tags,
      permission: 'admin:customers:lock',
      params: idParams,
      body: reasonBody,
      responses: { 200: { description: 'The customer', schema: customerView } },
      handler: async (input) => ({
        status: 200,
        body: toCustomerView(await admin.customers.setLoginLock(adminContext(input), input.params.id, lock, input.body.reason)),
      }),
    });
  }
}
