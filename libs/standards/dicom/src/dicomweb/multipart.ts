import { randomUUID } from 'node:crypto';

/**
 * multipart/related (RFC 2387), the envelope of WADO-RS and STOW-RS (PS3.18 §8.6.1.2): one DICOM object, or
 * one JSON document, per part.
 */
export interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

export class MultipartError extends Error {}

/** Parameters of a media type: `multipart/related; type="application/dicom"; boundary=abc` -> {type, boundary}. */
export function mediaTypeParameters(contentType: string): {
  mediaType: string;
  params: Record<string, string>;
} {
  const [mediaType, ...rest] = splitOutsideQuotes(contentType, ';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const name = p.slice(0, eq).trim().toLowerCase();
    let value = p.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    params[name] = value;
  }
  return { mediaType: mediaType.trim().toLowerCase(), params };
}

function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of s) {
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Splits a multipart/related body into its parts (headers lower-cased). */
export function parseMultipart(body: Buffer, contentType: string): Part[] {
  const { mediaType, params } = mediaTypeParameters(contentType);
  if (mediaType !== 'multipart/related')
    throw new MultipartError(`expected multipart/related, not ${mediaType}`);
  const boundary = params['boundary'];
  if (!boundary) throw new MultipartError('multipart/related without a boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new MultipartError('no part delimiter in the body');
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString('latin1') === '--') break; // close delimiter
    // Transport padding, then the CRLF that ends the delimiter line.
    const lineEnd = body.indexOf('\r\n', pos);
    if (lineEnd < 0) throw new MultipartError('truncated multipart body');
    const headerEnd = body.indexOf('\r\n\r\n', lineEnd);
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), lineEnd);
    if (next < 0) throw new MultipartError('multipart body has no closing delimiter');
    const headers: Record<string, string> = {};
    let start: number;
    if (headerEnd >= 0 && headerEnd < next) {
      for (const line of body.toString('latin1', lineEnd + 2, headerEnd).split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      start = headerEnd + 4;
    } else start = lineEnd + 2; // no headers: the part starts with the empty line
    parts.push({ headers, body: body.subarray(start, next) });
    pos = next + 2;
  }
  return parts;
}

/** Builds a multipart/related body; returns it with its Content-Type. */
export function buildMultipart(
  parts: Part[],
  type: string,
  boundary = `hosp-${randomUUID()}`,
): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const head = Object.entries(p.headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n`, 'latin1'), p.body, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    body: Buffer.concat(chunks),
    contentType: `multipart/related; type="${type}"; boundary=${boundary}`,
  };
}
