/**
 * dcmjs (dcmjs-org, MIT) ships no type declarations; this is the part of its API the library uses, typed.
 * Loaded with require because an untyped module cannot be imported under `strict` (TS7016), and a
 * `declare module` shim would have to be included by every project that imports this library.
 */
export interface DcmjsDict {
  [tag: string]: { vr: string; Value?: unknown[]; _rawValue?: unknown; InlineBinary?: string };
}

export interface DcmjsModule {
  data: {
    DicomMessage: {
      readFile(
        buffer: ArrayBuffer,
        options?: { untilTag?: string; includeUntilTagValue?: boolean; ignoreErrors?: boolean },
      ): { dict: DcmjsDict; meta: DcmjsDict };
    };
    DicomMetaDictionary: {
      naturalizeDataset(dataset: DcmjsDict): Record<string, unknown>;
      denaturalizeDataset(dataset: Record<string, unknown>): DcmjsDict;
      nameMap: Record<string, { tag: string; vr: string; name: string }>;
      dictionary: Record<string, { tag: string; vr: string; name: string }>;
    };
  };
  log: { setLevel(level: string): void; getLogger(name: string): { setLevel(level: string): void } };
}

export const dcmjs: DcmjsModule = require('dcmjs');
dcmjs.log.setLevel('error');
// Its validation logger reports ambiguous implicit VRs ("xs") on every read; the archive checks structure itself.
dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');
