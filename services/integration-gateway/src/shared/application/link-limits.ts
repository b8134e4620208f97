/**
 * Limits every device-facing listener (MLLP and ASTM) applies per connection, so that a broken or hostile peer
 * cannot hold the gateway's sockets or memory: a silent connection is closed, and a listener takes only so
 * many connections at once. Message size is per connection configuration (`maxMessageBytes`).
 *
 * - GATEWAY_IDLE_TIMEOUT_MS (600000, 10 min; 0 = never): close a connection that carried no byte for this
 *   long and has nothing in progress. Analyzers reconnect when they have results (HL7 v2.5.1 Appendix C leaves
 *   connection lifetime to the parties); a peer that went away without a FIN no longer holds a socket forever.
 * - GATEWAY_MAX_CONNECTIONS (256; 0 = no limit): connections one listener holds at once; more are refused at
 *   accept.
 */
export interface LinkLimits {
  idleTimeoutMs: number;
  maxConnections: number | undefined;
}

export function linkLimits(env: NodeJS.ProcessEnv = process.env): LinkLimits {
  return {
    idleTimeoutMs: count(env, 'GATEWAY_IDLE_TIMEOUT_MS', 10 * 60_000),
    maxConnections: count(env, 'GATEWAY_MAX_CONNECTIONS', 256) || undefined,
  };
}

function count(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number >= 0, not "${raw}"`);
  return n;
}
