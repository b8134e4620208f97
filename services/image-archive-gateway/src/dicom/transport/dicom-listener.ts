import type { TlsOptions } from 'node:tls';
import {
  type AssociationInfo,
  type DimseHandlers,
  DimseServer,
  DimseStatus,
  initializeTranscoding,
  SopClass,
} from '@hosp/standards-dicom';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { StorageCommitmentService } from '../../commitment/application/storage-commitment.service';
import { MppsService } from '../../mpps/application/mpps.service';
import { PeersService } from '../../peers/application/peers.service';
import { QueryService } from '../../query/application/query.service';
import { RetrieveService } from '../../query/application/retrieve.service';
import { ARCHIVE_SETTINGS, type ArchiveSettings } from '../../shared/archive-settings';
import { listenerTlsOptions } from '../../shared/dicom-tls';
import { StorageService } from '../../storage/application/storage.service';
import { WorklistService } from '../../worklist/application/worklist.service';
import { negotiate } from '../application/negotiation';

/**
 * The archive's DICOM upper-layer listeners, AE title DICOM_AE_TITLE: plain TCP on DICOM_HOST:DICOM_PORT
 * (unless DICOM_TLS_ONLY=1) and TLS on DICOM_TLS_PORT when set (PS3.15 Annex B.1; mutual TLS with
 * DICOM_TLS_CA, IHE ATNA node authentication: a caller without a certificate from a trusted CA never reaches
 * association negotiation, and the AE title checks below still apply). Both serve the same services with
 * the same limits: PDU size (DICOM_MAX_PDU), ARTIM (DICOM_ASSOCIATION_TIMEOUT_MS), idle
 * (DICOM_IDLE_TIMEOUT_MS), object size (DICOM_MAX_OBJECT_BYTES). Started with the application and closed
 * before it stops (running associations get 10 s). Association policy here; every DIMSE service goes to the
 * application service that owns it.
 */
@Injectable()
export class DicomListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('DicomListener');
  private server?: DimseServer;
  private tlsServer?: DimseServer;

  constructor(
    @Inject(ARCHIVE_SETTINGS) private readonly settings: ArchiveSettings,
    private readonly peers: PeersService,
    private readonly worklist: WorklistService,
    private readonly mpps: MppsService,
    private readonly storage: StorageService,
    private readonly query: QueryService,
    private readonly retrieval: RetrieveService,
    private readonly commitment: StorageCommitmentService,
  ) {}

  /** Where the plain listener is bound, once started. */
  get address() {
    return this.server?.address;
  }

  /** Where the TLS listener is bound, once started. */
  get tlsAddress() {
    return this.tlsServer?.address;
  }

  async onApplicationBootstrap(): Promise<void> {
    await initializeTranscoding();
    const { tls } = this.settings;
    if (!tls.only) {
      this.server = this.dimseServer(this.settings.dicomPort);
      const address = await this.server.listen();
      this.log.log(`DICOM ${this.settings.aeTitle} listening on ${address.address}:${address.port}`);
    }
    if (tls.port !== undefined) {
      const options = listenerTlsOptions(tls);
      this.tlsServer = this.dimseServer(tls.port, options);
      const address = await this.tlsServer.listen();
      const mutual = options.requestCert ? ', client certificate required' : '';
      this.log.log(
        `DICOM ${this.settings.aeTitle} listening on ${address.address}:${address.port} (TLS${mutual})`,
      );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.server?.close(10_000), this.tlsServer?.close(10_000)]);
  }

  private dimseServer(port: number, tls?: TlsOptions): DimseServer {
    return new DimseServer({
      host: this.settings.dicomHost,
      port,
      tls,
      maxPduLength: this.settings.maxPduLength,
      maxObjectBytes: this.settings.maxObjectBytes,
      associationTimeoutMs: this.settings.associationTimeoutMs,
      pduTimeoutMs: this.settings.idleTimeoutMs,
      handlers: this.handlers(),
      logger: {
        info: (o, m) => this.log.log(o, m),
        warn: (o, m) => this.log.warn(o, m),
        error: (o, m) => this.log.error(o, m),
      },
    });
  }

  private handlers(): DimseHandlers {
    return {
      associate: (info) => this.associate(info),
      negotiate: (abstractSyntax, proposed, _info, roles) => negotiate(abstractSyntax, proposed, roles),
      echo: () => ({ status: DimseStatus.Success }),
      find: async (_info, sopClass, identifier) => {
        if (sopClass === SopClass.ModalityWorklistFind) return this.worklist.find(identifier);
        if (sopClass === SopClass.StudyRootFind || sopClass === SopClass.PatientRootFind)
          return this.query.find(sopClass, identifier);
        return { status: DimseStatus.SopClassNotSupported };
      },
      retrieve: (info, kind, sopClass, identifier, destination) =>
        this.retrieval.retrieve(info, kind, sopClass, identifier, destination),
      store: (info, request) => this.storage.storeDataset(info, request),
      ended: (info, how) => {
        this.storage
          .associationEnded(info, how)
          .catch((err) =>
            this.log.warn({ err, association: info.id }, 'could not announce the studies of an association'),
          );
      },
      nCreate: (info, sopClass, uid, ds) => this.mpps.create(info, sopClass, uid, ds),
      nSet: (info, sopClass, uid, ds) => this.mpps.set(info, sopClass, uid, ds),
      nAction: (info, sopClass, uid, actionTypeId, ds) =>
        this.commitment.request(info, sopClass, uid, actionTypeId, ds),
    };
  }

  /**
   * A-ASSOCIATE-RQ: called AE must be ours ("called AE title not recognized"), the calling AE a configured
   * peer, from its host when checkHost is set ("calling AE title not recognized"), PS3.8 §9.3.4.
   */
  private async associate(info: AssociationInfo) {
    if (info.calledAeTitle !== this.settings.aeTitle)
      return { accept: false, reason: 'called-ae-not-recognized' } as const;
    const check = await this.peers.checkCaller(info.callingAeTitle, info.remoteAddress);
    if (!check.ok) {
      this.log.warn({ ...info, why: check.reason }, 'association refused');
      return { accept: false, reason: 'calling-ae-not-recognized' } as const;
    }
    return { accept: true } as const;
  }
}
