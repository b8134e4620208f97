import { readFileSync } from 'node:fs';

/** RFC 5425 §4.1: the port assigned to syslog over TLS. */
export const SYSLOG_TLS_PORT = 6514;

export interface SyslogSettings {
  host: string;
  port: number;
  /** PEM: the collector's CA, this node's certificate and key (mutual TLS, IHE ATNA node authentication). */
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** The SD-ID of the structured data element carrying seq and hash (a private `name@<PEN>`). */
  sdId: string;
}

/**
 * `AUDIT_SYSLOG_URL=tls://host:6514` turns the ATNA export on; `AUDIT_SYSLOG_CA`, `AUDIT_SYSLOG_CERT` and
 * `AUDIT_SYSLOG_KEY` name PEM files. Unset: no export. A URL that is set but wrong, or a file that cannot be
 * read, stops the service at boot: an audit export configured but silently off is worse than none.
 */
export function syslogSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): SyslogSettings | undefined {
  const raw = env['AUDIT_SYSLOG_URL'];
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`AUDIT_SYSLOG_URL "${raw}" is not a URL (expected tls://host:6514)`);
  }
  if (url.protocol !== 'tls:')
    throw new Error(`AUDIT_SYSLOG_URL must be tls://host:port (RFC 5425): plain ${url.protocol} is refused`);
  const file = (name: string) => {
    const path = env[name];
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`${name}: cannot read ${path} (${(err as Error).message})`);
    }
  };
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : SYSLOG_TLS_PORT,
    ca: file('AUDIT_SYSLOG_CA'),
    cert: file('AUDIT_SYSLOG_CERT'),
    key: file('AUDIT_SYSLOG_KEY'),
    // 32473 is the enterprise number RFC 5612 reserves for documentation; a hospital with its own PEN sets it.
    sdId: env['AUDIT_SYSLOG_SD_ID'] ?? 'hospAudit@32473',
  };
}
