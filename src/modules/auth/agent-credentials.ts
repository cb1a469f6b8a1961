/** The agent credentials the token exchange and the access-token check need (implemented by the agent module). */
export interface AgentCredentialStore {
  findByClientId(clientId: string): Promise<{
    agentId: string;
    ownerId: string;
    secretHash: string;
    active: boolean;
    credentialsVersion: number;
    tenantId: string;
  } | null>;
  /** One indexed lookup, on every agent request: whether the agent is active and its credentials' version. */
  tokenState(agentId: string): Promise<{ active: boolean; credentialsVersion: number } | null>;
}

/** Agent client ids carry this prefix, so the token exchange knows where to look them up. */
export const AGENT_CLIENT_ID_PREFIX = 'agc_';
