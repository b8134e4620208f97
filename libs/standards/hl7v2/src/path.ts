/**
 * Paths to a value in a message, in the notation of the standard's own text (HL7 v2.5.1 Ch. 2 §2.5 and the
 * "PID-5.1" style used throughout the chapters), 1-based everywhere:
 *
 *   PID-5          field 5 of the first PID
 *   PID-5-1        component 1 of it (also PID-5.1 or PID.5.1)
 *   PID-11-1-2     subcomponent 2 of component 1
 *   OBX[2]-5       field 5 of the second OBX in the message (message-wide count, not per group)
 *   PID-3(2)-1     component 1 of the second repetition of PID-3
 *   MSH-9-2        MSH counts MSH-1 as the field separator itself, as the standard does (§2.15.9)
 */
export interface Hl7Path {
  readonly segment: string;
  /** 1-based occurrence of the segment in the message. */
  readonly occurrence: number;
  readonly field?: number;
  /** Set only when the path names one, e.g. PID-3(2). */
  readonly repetition?: number;
  readonly component?: number;
  readonly subcomponent?: number;
}

const PATH = /^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?(?:[-.](\d+)(?:\((\d+)\))?(?:[-.](\d+)(?:[-.](\d+))?)?)?$/;

export class Hl7PathError extends TypeError {
  override readonly name = 'Hl7PathError';
}

function positive(text: string | undefined, path: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (n < 1) throw new Hl7PathError(`HL7 path ${JSON.stringify(path)}: positions are 1-based`);
  return n;
}

const cache = new Map<string, Hl7Path>();
const CACHE_LIMIT = 2048;

/** Parses (and caches) a path string; throws Hl7PathError for a malformed one. */
export function parseHl7Path(path: string): Hl7Path {
  const hit = cache.get(path);
  if (hit) return hit;
  const m = PATH.exec(path);
  if (!m) {
    throw new Hl7PathError(
      `HL7 path ${JSON.stringify(path)} is not SEG[n]-field(rep)-component-subcomponent, e.g. 'PID-5-1'`,
    );
  }
  const parsed: Hl7Path = {
    segment: m[1],
    occurrence: positive(m[2], path) ?? 1,
    field: m[3] === undefined ? undefined : Number(m[3]),
    repetition: positive(m[4], path),
    component: positive(m[5], path),
    subcomponent: positive(m[6], path),
  };
  if (parsed.field !== undefined && parsed.field < 1) {
    throw new Hl7PathError(`HL7 path ${JSON.stringify(path)}: positions are 1-based`);
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(path, parsed);
  return parsed;
}
