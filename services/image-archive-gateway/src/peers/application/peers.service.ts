import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { echo, type RemoteAe } from '@hosp/standards-dicom';
import { InvalidRequestError, NotFoundError, RuleViolationError } from '@hosp/platform-runtime';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ARCHIVE_SETTINGS, type ArchiveSettings } from '../../shared/archive-settings';
import { peerTlsOptions } from '../../shared/dicom-tls';
import type { Peer, PeerInput } from '../domain/peer';
import { PeersRepository as repo } from '../persistence/peers.repository';

/** Why a calling AE is refused, or nothing when it may associate. */
export type CallerCheck = { ok: true; peer: Peer } | { ok: false; reason: string };

@Injectable()
export class PeersService {
  constructor(
    private readonly db: DataSource,
    @Inject(ARCHIVE_SETTINGS) private readonly settings: ArchiveSettings,
  ) {}

  async put(p: PeerInput): Promise<Peer> {
    if (p.aeTitle === this.settings.aeTitle)
      throw InvalidRequestError.field('aeTitle', `${p.aeTitle} is the archive's own AE title`);
    return repo.upsert(this.db.manager, p);
  }

  async get(aeTitle: string): Promise<Peer> {
    const p = await repo.get(this.db.manager, aeTitle);
    if (!p) throw new NotFoundError('Peer', aeTitle);
    return p;
  }

  list(): Promise<Peer[]> {
    return repo.list(this.db.manager);
  }

  async remove(aeTitle: string): Promise<void> {
    if (!(await repo.remove(this.db.manager, aeTitle))) throw new NotFoundError('Peer', aeTitle);
  }

  /**
   * May this caller open an association? Its AE title must be a known, enabled peer; with checkHost, the
   * connection must come from the peer's host (PS3.15 leaves peer authentication to configuration; IHE ATNA
   * node authentication over TLS is the stronger form).
   */
  async checkCaller(callingAeTitle: string, remoteAddress: string): Promise<CallerCheck> {
    const peer = await repo.get(this.db.manager, callingAeTitle);
    if (!peer || !peer.enabled)
      return { ok: false, reason: `calling AE ${callingAeTitle} is not configured` };
    if (peer.checkHost && peer.host && !(await sameHost(peer.host, remoteAddress)))
      return {
        ok: false,
        reason: `calling AE ${callingAeTitle} must connect from ${peer.host}, not ${remoteAddress}`,
      };
    return { ok: true, peer };
  }

  /** A C-MOVE destination: a known peer with an address. */
  async destination(aeTitle: string): Promise<Peer | undefined> {
    const p = await repo.get(this.db.manager, aeTitle);
    return p && p.enabled && p.host && p.port ? p : undefined;
  }

  /**
   * How to reach a peer with an address: its host and port, over TLS when DICOM_TLS_PEERS names it. Every
   * association the archive opens goes through here (forwarding, C-MOVE, storage commitment, C-ECHO).
   */
  remoteAe(peer: Pick<Peer, 'aeTitle' | 'host' | 'port'>): RemoteAe {
    if (!peer.host || !peer.port) throw new Error(`peer ${peer.aeTitle} has no host and port`);
    const tls = peerTlsOptions(this.settings.tls, peer.aeTitle);
    return { aeTitle: peer.aeTitle, host: peer.host, port: peer.port, ...(tls ? { tls } : {}) };
  }

  /** C-ECHO to the peer, from the archive's AE title: the status, or the reason it failed. */
  async echo(aeTitle: string): Promise<{ status: number }> {
    const p = await this.get(aeTitle);
    if (!p.host || !p.port)
      throw new RuleViolationError('PEER_NOT_ADDRESSABLE', `peer ${aeTitle} has no host and port`);
    try {
      return { status: await echo(this.remoteAe(p), this.settings.aeTitle) };
    } catch (err) {
      throw new RuleViolationError('ECHO_FAILED', `C-ECHO to ${aeTitle} failed: ${(err as Error).message}`);
    }
  }
}

async function sameHost(host: string, remoteAddress: string): Promise<boolean> {
  if (isIP(host)) return host === remoteAddress;
  try {
    const addresses = await lookup(host, { all: true });
    return addresses.some((a) => a.address.replace(/^::ffff:/, '') === remoteAddress);
  } catch {
    return false;
  }
}
