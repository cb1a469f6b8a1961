/** The agent credentials the token exchange and the access-token check need (implemented by the agent module). */
export interface AgentCredentialStore {
  findByClientId(
    clientId: string,
  ): Promise<{ agentId: string; ownerId: string; secretHash: string; active: boolean; credentialsVersion: number } | null>;
  /**
   * One indexed lookup: whether an agent may act now with a token issued under `credentialsVersion`
   * (neither suspended nor revoked, and its secret not rotated since).
   */
  acceptsToken(agentId: string, credentialsVersion: number): Promise<boolean>;
}

/** Agent client ids carry this prefix, so the token exchange knows where to look them up. */
export const AGENT_CLIENT_ID_PREFIX = 'agc_';
