import { dcmjs } from '../dcmjs';
import type { DicomAttribute, DicomJson } from '../dicom-json';

/** "PatientName" or "00100010" -> "00100010"; undefined when it is neither a keyword nor a tag. */
export function tagOf(keywordOrTag: string): string | undefined {
  if (/^[0-9a-fA-F]{8}$/.test(keywordOrTag)) return keywordOrTag.toUpperCase();
  const entry = dcmjs.data.DicomMetaDictionary.nameMap[keywordOrTag];
  return entry ? entry.tag.replace(/[(),]/g, '').toUpperCase() : undefined;
}

/** The VR of a tag from the data dictionary (the first when several are allowed, e.g. US or SS -> US). */
export function vrOf(tag: string): string {
  const entry = dcmjs.data.DicomMetaDictionary.dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`];
  const vr = entry?.vr ?? 'UN';
  return vr.length > 2 ? vr.slice(0, 2) : vr;
}

export class QueryParameterError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}

/** Parameters of QIDO-RS that are not attribute keys (PS3.18 §8.3.4). */
const CONTROL = new Set(['includefield', 'fuzzymatching', 'limit', 'offset', 'format', 'charset']);

/**
 * A QIDO-RS query string as a C-FIND identifier (PS3.18 §8.3.4): `{attributeID}={value}` becomes a matching
 * key, `includefield` adds zero-length return keys ("all" for every attribute). Values are matched as C-FIND
 * matches them (wildcards, ranges, UID lists with commas or backslashes).
 */
export function identifierFromQuery(query: Record<string, string | string[] | undefined>): {
  identifier: DicomJson;
  includeAll: boolean;
} {
  const identifier: DicomJson = {};
  let includeAll = false;
  for (const [name, raw] of Object.entries(query)) {
    if (raw === undefined) continue;
    const given = Array.isArray(raw) ? raw : [raw];
    if (name === 'includefield') {
      const values = given.flatMap((v) => v.split(','));
      for (const f of values.map((v) => v.trim()).filter(Boolean)) {
        if (f === 'all') includeAll = true;
        else {
          const tag = tagOf(f);
          if (!tag) throw new QueryParameterError('includefield', `unknown attribute ${f}`);
          identifier[tag] ??= { vr: vrOf(tag) };
        }
      }
      continue;
    }
    if (CONTROL.has(name)) continue;
    const tag = tagOf(name);
    if (!tag) throw new QueryParameterError(name, `unknown attribute ${name}`);
    const vr = vrOf(tag);
    // UID lists may be comma- or backslash-separated (PS3.18 §8.3.4.1); other values use backslash (VM > 1).
    const list = given
      .flatMap((v) => v.split(vr === 'UI' ? /[,\\]/ : /\\/))
      .map((v) => v.trim())
      .filter((v) => v !== '');
    const attribute: DicomAttribute =
      list.length === 0 ? { vr } : { vr, Value: vr === 'PN' ? list.map((v) => ({ Alphabetic: v })) : list };
    identifier[tag] = attribute;
  }
  return { identifier, includeAll };
}
