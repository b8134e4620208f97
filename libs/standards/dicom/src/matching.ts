import type { DicomAttribute, DicomJson, DicomValue, PersonName } from './dicom-json';
import { Tag } from './dicom-json';

/**
 * Attribute matching of C-FIND (PS3.4 C.2.2.2) and QIDO-RS (PS3.18 §8.3.4), over DICOM JSON: the same code
 * answers the Modality Worklist, Query/Retrieve and DICOMweb searches.
 *
 * - zero-length key: universal matching (always matches, value returned);
 * - UI with several values: list of UID matching;
 * - DA/TM/DT "a-b", "a-", "-b": range matching (inclusive);
 * - a value with `*` or `?`: wildcard matching;
 * - a sequence with one item: sequence matching, every key of the item must match within one item;
 * - anything else: single value matching. A key with several values matches any of them (ModalitiesInStudy
 *   "CT\MR", PS3.4 C.6.2.1.2); a multi-valued candidate matches when one of its values does.
 *
 * Person names are compared case- and accent-insensitively, with `^` and spaces equivalent (PS3.4 C.2.2.2.1
 * leaves PN matching to the implementation): a modality keyboard without Vietnamese input types "NGUYEN^VAN
 * AN" and must still find "Nguyễn^Văn An".
 */
export function matches(identifier: DicomJson, candidate: DicomJson): boolean {
  for (const [tag, key] of Object.entries(identifier)) {
    if (!isMatchingKey(tag)) continue;
    if (!matchesKey(key, candidate[tag])) return false;
  }
  return true;
}

/** Keys that are not matched: character set, query level, command and meta groups, timezone. */
function isMatchingKey(tag: string): boolean {
  return !(
    tag === Tag.SpecificCharacterSet ||
    tag === Tag.QueryRetrieveLevel ||
    tag === Tag.TimezoneOffsetFromUTC ||
    tag === Tag.RetrieveAETitle ||
    tag === Tag.InstanceAvailability ||
    tag.startsWith('0000') ||
    tag.startsWith('0002')
  );
}

function matchesKey(key: DicomAttribute, candidate: DicomAttribute | undefined): boolean {
  if (key.vr === 'SQ') {
    const item = key.Value?.[0] as DicomJson | undefined;
    if (!item || !Object.keys(item).some(isMatchingKey) || !hasMatchingValues(item)) return true;
    const candidates = (candidate?.Value ?? []) as DicomJson[];
    return candidates.some((c) => matches(item, c));
  }
  const wanted = textValues(key);
  if (wanted.length === 0) return true;
  const have = textValues(candidate);
  if (have.length === 0) return false;
  return wanted.some((w) => have.some((h) => matchValue(key.vr, w, h)));
}

/** True when some key of the item (recursively) carries a value, i.e. the sequence is not universal. */
function hasMatchingValues(item: DicomJson): boolean {
  return Object.entries(item).some(
    ([tag, a]) =>
      isMatchingKey(tag) &&
      (a.vr === 'SQ' ? ((a.Value ?? []) as DicomJson[]).some(hasMatchingValues) : textValues(a).length > 0),
  );
}

function matchValue(vr: string, wanted: string, have: string): boolean {
  if ((vr === 'DA' || vr === 'TM' || vr === 'DT') && wanted.includes('-')) {
    const [lo, hi] = wanted.split('-', 2).map((s) => s.trim());
    const value = normalizeTemporal(vr, have, 'low');
    if (lo && value < normalizeTemporal(vr, lo, 'low')) return false;
    if (hi && value > normalizeTemporal(vr, hi, 'high')) return false;
    return true;
  }
  if (vr === 'PN') {
    const w = normalizePersonName(wanted);
    const h = normalizePersonName(have);
    return /[*?]/.test(w) ? wildcard(w).test(h) : w === h;
  }
  if (vr !== 'UI' && /[*?]/.test(wanted)) return wildcard(wanted).test(have);
  if (vr === 'DA' || vr === 'TM' || vr === 'DT')
    return normalizeTemporal(vr, wanted, 'low') === normalizeTemporal(vr, have, 'low');
  return wanted === have;
}

function wildcard(pattern: string): RegExp {
  const re = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${re}$`, 's');
}

/**
 * Comparable form of a date/time: digits only, padded so that a bound of lower precision covers its whole
 * period ("1000" as an upper time bound means up to 10:00:59.999999).
 */
function normalizeTemporal(vr: string, v: string, bound: 'low' | 'high'): string {
  const digits = v.replace(/[^0-9]/g, '');
  const width = vr === 'DA' ? 8 : vr === 'TM' ? 12 : 20;
  return digits.padEnd(width, bound === 'low' ? '0' : '9').slice(0, width);
}

/** Upper case, no diacritics (đ -> D), `^` and runs of spaces as one space, trimmed. */
export function normalizePersonName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'D')
    .toUpperCase()
    .replace(/[\^=]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function textValues(a: DicomAttribute | undefined): string[] {
  return (a?.Value ?? [])
    .map((v: DicomValue) => {
      if (v === null || v === undefined) return '';
      if (typeof v === 'object') {
        const p = v as PersonName;
        return (p.Alphabetic ?? p.Ideographic ?? p.Phonetic ?? '').trim();
      }
      return String(v).trim();
    })
    .filter((s) => s !== '');
}

/**
 * The response to an identifier for a matching candidate (PS3.4 C.4.1.1.3.2): every key of the identifier,
 * with the candidate's value or zero length when it has none. A sequence key with an empty item returns the
 * whole sequence; with keys, each of the candidate's items (that match the item's keys) reduced to them.
 */
export function responseFor(identifier: DicomJson, candidate: DicomJson): DicomJson {
  const out: DicomJson = {};
  for (const [tag, key] of Object.entries(identifier)) {
    if (tag.startsWith('0000') || tag.startsWith('0002')) continue;
    const have = candidate[tag];
    if (key.vr === 'SQ') {
      const item = key.Value?.[0] as DicomJson | undefined;
      const candidates = (have?.Value ?? []) as DicomJson[];
      if (!item || Object.keys(item).length === 0) {
        out[tag] = have ?? { vr: 'SQ' };
        continue;
      }
      const selected = candidates.filter((c) => matches(item, c));
      const answered = (selected.length ? selected : candidates).map((c) => responseFor(item, c));
      out[tag] = answered.length ? { vr: 'SQ', Value: answered } : { vr: 'SQ' };
      continue;
    }
    out[tag] = have ? { ...have } : { vr: key.vr };
  }
  return out;
}
