import type { CommandSpec } from '../command.js';
import { adminRefundsApprove, adminRefundsList } from './admin-refunds.js';
import { agentsCreate, agentsList, agentsSuspend } from './agents.js';
import { login, logout } from './session.js';
import { transactionsList } from './transactions.js';
import { transfer } from './transfer.js';
import { verifyLedger } from './verify-ledger.js';
import { walletsCreate, walletsList, walletsShow } from './wallets.js';
import { webhooksListen } from './webhooks.js';

/** Every command, in the order `ocp --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  login,
  logout,
  walletsList,
  walletsCreate,
  walletsShow,
  transfer,
  transactionsList,
  agentsCreate,
  agentsList,
  agentsSuspend,
  adminRefundsList,
  adminRefundsApprove,
  webhooksListen,
  verifyLedger,
];
