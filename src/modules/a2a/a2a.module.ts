import type { SqlClient } from '../../infra/db/database';
import type { A2aTaskRecords, PaymentRequestRecords } from '../../protocols/a2a/ports';
import { SqlA2aTaskRepository } from './adapters/sql-a2a-task.repository';
import { SqlPaymentRequestRepository } from './adapters/sql-payment-request.repository';

export interface A2aStorage {
  tasks: A2aTaskRecords;
  paymentRequests: PaymentRequestRecords;
}

/** Tasks and payment requests in OCP's database (migration 0194), for PGlite and PostgreSQL alike. */
export function createA2aStorage(db: SqlClient): A2aStorage {
  return { tasks: new SqlA2aTaskRepository(db), paymentRequests: new SqlPaymentRequestRepository(db) };
}
