import type { Encryptor } from '../../infra/crypto/envelope';
import type { Database } from '../../infra/db/database';
import type { A2aPushConfigRecords, A2aTaskRecords, PaymentRequestRecords } from '../../protocols/a2a/ports';
import { SqlA2aPushConfigRepository } from './adapters/sql-a2a-push-config.repository';
import { SqlA2aTaskRepository } from './adapters/sql-a2a-task.repository';
import { SqlPaymentRequestRepository } from './adapters/sql-payment-request.repository';

export interface A2aStorage {
  tasks: A2aTaskRecords;
  paymentRequests: PaymentRequestRecords;
  pushConfigs: A2aPushConfigRecords;
}

/**
 * Tasks, payment requests (migration 0194) and push-notification configs (0198, their secrets
 * encrypted) in OCP's database, for PGlite and PostgreSQL alike.
 */
export function createA2aStorage(db: Database, encryptor: Encryptor): A2aStorage {
  return {
    tasks: new SqlA2aTaskRepository(db),
    paymentRequests: new SqlPaymentRequestRepository(db),
    pushConfigs: new SqlA2aPushConfigRepository(db, encryptor),
  };
}
