/**
 * Syslog messages as RFC 5424 defines them, framed for TLS as RFC 5425 §4.3 does.
 *
 * Written here, not taken from npm: the wire format is these few lines; the npm syslog clients looked at
 * (syslog-client and its TLS forks, syslog-pro) are small, rarely released projects whose RFC 5425 framing
 * and client-certificate handling (ATNA node authentication, ITI-19) would need auditing anyway; and they
 * send fire-and-forget, while the sender's durable cursor needs to know which message the socket took.
 */

/** RFC 5424 §6.2.1 facility 10: security/authorization messages, where IHE ATNA puts audit records. */
export const FACILITY_AUTHPRIV = 10;
export const SEVERITY_WARNING = 4;
export const SEVERITY_NOTICE = 5;

export interface SdElement {
  id: string;
  params: ReadonlyArray<readonly [string, string]>;
}

export interface SyslogMessage {
  facility: number;
  severity: number;
  timestamp: Date;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  structuredData?: readonly SdElement[];
  /** The message text; sent as UTF-8 after a BOM (RFC 5424 §6.4). */
  msg: string;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * RFC 5424 §6: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA BOM MSG`. Header fields are
 * PRINTUSASCII with the §6.2 length limits (others replaced, longer ones cut); an empty one is NILVALUE "-".
 */
export function formatRfc5424(m: SyslogMessage): Buffer {
  const pri = m.facility * 8 + m.severity; // §6.2.1
  const header = [
    `<${pri}>1`, // §6.2.2 VERSION 1
    m.timestamp.toISOString(), // §6.2.3: RFC 3339, UTC, milliseconds
    field(m.hostname, 255),
    field(m.appName, 48),
    field(m.procId, 128),
    field(m.msgId, 32),
    structuredData(m.structuredData ?? []),
  ].join(' ');
  return Buffer.concat([Buffer.from(`${header} `, 'utf8'), BOM, Buffer.from(m.msg, 'utf8')]);
}

/** RFC 5425 §4.3 octet-counting: `MSG-LEN SP SYSLOG-MSG`, MSG-LEN the byte length of the message. */
export function frameRfc5425(message: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]);
}

function field(value: string, max: number): string {
  const printable = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return printable.length ? printable : '-';
}

/** §6.3: `[SD-ID PARAM="VALUE" ...]`; in a value `"`, `\` and `]` are escaped with a backslash (§6.3.3). */
function structuredData(elements: readonly SdElement[]): string {
  if (elements.length === 0) return '-';
  return elements
    .map(
      (e) =>
        `[${sdName(e.id)}${e.params
          .map(([name, value]) => ` ${sdName(name)}="${value.replace(/["\\\]]/g, (c) => `\\${c}`)}"`)
          .join('')}]`,
    )
    .join('');
}

/** SD-NAME: 1-32 PRINTUSASCII except `=`, SP, `]` and `"`. */
function sdName(name: string): string {
  return field(name.replace(/[= \]"]/g, '_'), 32);
}

/**
 * Splits an octet-counted stream (RFC 5425 §4.3) back into messages: what a collector does. Used by the
 * tests' collector; kept beside the encoder so the two cannot drift apart.
 */
export class OctetCountingDecoder {
  private buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const out: Buffer[] = [];
    for (;;) {
      const sp = this.buffer.indexOf(0x20);
      if (sp === -1) break;
      const lenText = this.buffer.subarray(0, sp).toString('ascii');
      if (!/^[1-9]\d{0,8}$/.test(lenText)) throw new Error(`bad RFC 5425 frame length "${lenText}"`);
      const len = Number(lenText);
      if (this.buffer.length < sp + 1 + len) break;
      out.push(this.buffer.subarray(sp + 1, sp + 1 + len));
      this.buffer = this.buffer.subarray(sp + 1 + len);
    }
    return out;
  }
}
