/**
 * A remote application entity the archive talks to (PS3.7 §7.1: an AE is named by its AE title). A modality
 * that sends images, queries the worklist or reports MPPS; a workstation that queries and retrieves; a PACS
 * that receives forwarded images. Calling AE titles not listed here are rejected at association time.
 */
export interface Peer {
  aeTitle: string;
  /** Where it listens (C-MOVE destination, forwarding) and, with checkHost, where it must call from. */
  host: string | null;
  port: number | null;
  /** Accept its associations only from `host` (an IP address or a name resolved at association time). */
  checkHost: boolean;
  /** Every instance the archive stores is forwarded to it (a downstream PACS). */
  forward: boolean;
  description: string | null;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type PeerInput = Omit<Peer, 'createdAt' | 'updatedAt'>;
