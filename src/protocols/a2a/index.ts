// The A2A server edge (A2A protocol v1.0 through @a2a-js/sdk 1.3.0): the app mounts it; the a2a
// module implements its storage ports over SQL.
export { mountA2aServer, type A2aServerDeps } from './a2a-server';
export { followApprovals } from './approval-follower';
export { TaskPusher } from './task-pusher';
export { A2A_BASE_PATH, SKILLS, agentCard, deploymentCard, type CardSettings } from './agent-card';
export type {
  A2aPushConfig,
  A2aPushConfigRecords,
  A2aTaskFilter,
  A2aTaskRecord,
  A2aTaskRecords,
  PaymentRequestRecord,
  PaymentRequestRecords,
} from './ports';
