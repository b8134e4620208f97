import { isUtf8 } from 'node:buffer';

/**
 * Character sets. E1394 and LIS01-A2 define 8-bit text without naming a character set (in practice ASCII
 * or the analyzer's Latin-1 code page), and no header field declares it. Vietnamese patient names reach
 * analyzers in UTF-8 from modern LIS software, so the receiver reads valid UTF-8 as UTF-8 (exact for
 * plain ASCII) and anything else as Latin-1 ('auto'), and the encoding can be fixed per connection for an
 * instrument known to use one.
 *
 * Bytes are decoded only after the frames of a transmission are joined: a multi-byte character may be
 * split between two frames.
 */
export type AstmEncoding = 'auto' | 'utf8' | 'latin1';

/** The encoding actually used for a given buffer: 'auto' resolves to 'utf8' or 'latin1'. */
export function resolveEncoding(bytes: Uint8Array, encoding: AstmEncoding = 'auto'): 'utf8' | 'latin1' {
  if (encoding !== 'auto') return encoding;
  return isUtf8(bytes) ? 'utf8' : 'latin1';
}

export function decodeAstm(
  bytes: Buffer,
  encoding: AstmEncoding = 'auto',
): { text: string; encoding: 'utf8' | 'latin1' } {
  const used = resolveEncoding(bytes, encoding);
  return { text: bytes.toString(used), encoding: used };
}

/** Text to bytes; 'auto' writes UTF-8. Characters Latin-1 cannot hold become '?'. */
export function encodeAstm(text: string, encoding: AstmEncoding = 'auto'): Buffer {
  if (encoding === 'latin1') {
    let safe = '';
    for (const ch of text) safe += (ch.codePointAt(0) ?? 0) > 0xff ? '?' : ch;
    return Buffer.from(safe, 'latin1');
  }
  return Buffer.from(text, 'utf8');
}
