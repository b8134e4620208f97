import { Dataset } from 'dcmjs-dimse';
import { readFileMeta } from '../part10';

/**
 * A stored Part 10 object as dcmjs-dimse's Dataset, for C-STORE as an SCU (forwarding, C-MOVE and C-GET
 * sub-operations). When the peer accepts the object's own transfer syntax, the data set goes on the wire
 * exactly as it was received and stored: dcmjs-dimse asks for `getDenaturalizedDataset()` only then. When the
 * peer accepted another syntax, dcmjs-dimse transcodes from `getElements()`, which parses the whole object
 * here on first use (a conversion the peer asked for; nothing is sent unchanged in that case).
 */
export class RawDataset extends Dataset {
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  private readonly raw: Buffer;
  private parsed = false;

  constructor(part10: Buffer) {
    const { meta, datasetOffset } = readFileMeta(part10);
    super(
      { SOPClassUID: meta.mediaStorageSopClassUid, SOPInstanceUID: meta.mediaStorageSopInstanceUid },
      meta.transferSyntaxUid,
    );
    this.sopClassUid = meta.mediaStorageSopClassUid;
    this.sopInstanceUid = meta.mediaStorageSopInstanceUid;
    this.raw = part10.subarray(datasetOffset);
  }

  override getDenaturalizedDataset(): Buffer {
    return this.raw;
  }

  override getElements(): Record<string, unknown> {
    if (!this.parsed) {
      this.parsed = true;
      const full = new Dataset(this.raw, this.getTransferSyntaxUid()).getElements();
      for (const [k, v] of Object.entries(full)) this.setElement(k, v as string);
    }
    return super.getElements();
  }
}
