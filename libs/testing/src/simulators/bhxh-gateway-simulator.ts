import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  checkRows,
  layoutFor,
  readEnvelope,
  readTable,
  tableDef,
  verifyEnveloped,
} from '@hosp/standards-bhyt-xml';

/**
 * A stand-in for the BHXH insurance gateway ("egw", the spec vietnam-bhyt-emr.md §1.4) for tests and demos. It
 * answers like the real API as the BHXH letters 3190/2023 and 1245/2024 describe it: `POST /api/token/take`
 * (username + upper-case MD5 of the password), then the QĐ 3176 check-in and claim uploads with the token in the
 * `accessToken`/`tokenId`/`passwordHash` headers, answering `{ maKetQua, maGiaoDich, thoiGianTiepNhan,
 * thongDiep }`. It checks what the real portal checks as far as the public material says: the token, the
 * facility, the XML-DSig signature against the certificates registered for the facility (Danh mục chứng thư
 * số), the envelope and every table against the layout in force. The letters name only 200/401/403 as result
 * codes; for a content error the simulator answers 400 with the reasons in thongDiep [I].
 *
 * Faults for tests: `failNext(n)` answers HTTP 503 to the next n uploads; `stop()` then `start()` on the same
 * port simulates an outage.
 */
export interface BhxhGatewaySimulatorOptions {
  readonly username: string;
  readonly password: string;
  readonly facilityCode: string;
  /** PEM certificates registered for the facility; a signature by any other certificate is refused. */
  readonly trustedCertificatesPem: string[];
  readonly port?: number;
  /** Token lifetime, default 30 minutes. */
  readonly tokenTtlMs?: number;
}

export interface ReceivedDocument {
  readonly kind: 'check-in' | 'claim';
  /** MA_LK of the episode, read from the check-in table or XML1 (empty when the document could not be read). */
  readonly episodeKey: string;
  readonly transactionId: string | null;
  readonly resultCode: string;
  readonly message: string;
  readonly xml: string;
  /** For claims: the tables decoded from the envelope. */
  readonly tables: Record<string, Record<string, string | undefined>[]>;
}

const md5Upper = (s: string) => createHash('md5').update(s, 'utf8').digest('hex').toUpperCase();

export class BhxhGatewaySimulator {
  readonly received: ReceivedDocument[] = [];
  private server: Server | null = null;
  private tokens = new Map<string, { idToken: string; expiresAt: number }>();
  private failures = 0;
  private boundPort: number;

  constructor(private readonly options: BhxhGatewaySimulatorOptions) {
    this.boundPort = options.port ?? 0;
  }

  get url(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, '127.0.0.1', () => resolve());
    });
    this.boundPort = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  failNext(n: number): void {
    this.failures = n;
  }

  /** Forgets every session, as when the real gateway's tokens expire. */
  expireTokens(): void {
    this.tokens.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > 64 * 1024 * 1024)
        return this.reply(res, 413, { maKetQua: '413', thongDiep: 'payload too large' });
      chunks.push(c as Buffer);
    }
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST') return this.reply(res, 405, { maKetQua: '405', thongDiep: 'POST only' });
    if (path === '/api/token/take') return this.token(form, res);
    const kind =
      path === '/api/qd130/checkInKcbQd3176'
        ? 'check-in'
        : path === '/api/qd130/guiHoSoXmlQD3176'
          ? 'claim'
          : null;
    if (!kind) return this.reply(res, 404, { maKetQua: '404', thongDiep: `no endpoint ${path}` });
    if (this.failures > 0) {
      this.failures--;
      return this.reply(res, 503, { maKetQua: '503', thongDiep: 'service unavailable (simulated)' });
    }
    const session = this.tokens.get(String(req.headers['accesstoken'] ?? ''));
    if (
      !session ||
      session.expiresAt < Date.now() ||
      session.idToken !== req.headers['tokenid'] ||
      req.headers['passwordhash'] !== md5Upper(this.options.password) ||
      form.get('username') !== this.options.username
    )
      return this.reply(res, 200, {
        maKetQua: '401',
        thongDiep: 'Phiên đăng nhập không hợp lệ hoặc đã hết hạn',
      });
    if (form.get('maCSKCB') !== this.options.facilityCode)
      return this.reply(res, 200, {
        maKetQua: '403',
        thongDiep: `tài khoản không có quyền gửi cho ${form.get('maCSKCB')}`,
      });
    const expectedType = kind === 'claim' ? '130' : '0';
    const xml = Buffer.from(form.get('fileHSBase64') ?? '', 'base64').toString('utf8');
    const errors: string[] = [];
    const tables: Record<string, Record<string, string | undefined>[]> = {};
    if (form.get('loaiHoSo') !== expectedType) errors.push(`loaiHoSo must be ${expectedType}`);
    const signature = verifyEnveloped(xml, { trustedCertificatesPem: this.options.trustedCertificatesPem });
    if (!signature.ok) errors.push(`chữ ký số không hợp lệ (${signature.code}): ${signature.reason}`);
    else if (kind === 'claim') errors.push(...this.checkEnvelope(xml, tables));
    else errors.push(...this.checkCheckIn(xml, tables));
    const ok = errors.length === 0;
    const answer = ok
      ? {
          maKetQua: '200',
          maGiaoDich: randomUUID().replaceAll('-', '').toUpperCase(),
          thoiGianTiepNhan: receptionTime(new Date()),
          thongDiep: kind === 'claim' ? 'Gửi hồ sơ thành công' : 'Check-in thành công',
        }
      : {
          maKetQua: '400',
          maGiaoDich: '',
          thoiGianTiepNhan: receptionTime(new Date()),
          thongDiep: errors.join('; '),
        };
    this.received.push({
      kind,
      episodeKey: (kind === 'claim' ? tables['XML1'] : tables['XML0'])?.[0]?.['MA_LK'] ?? '',
      transactionId: ok ? answer.maGiaoDich : null,
      resultCode: answer.maKetQua,
      message: answer.thongDiep,
      xml,
      tables,
    });
    return this.reply(res, 200, answer);
  }

  private checkEnvelope(xml: string, tables: ReceivedDocument['tables']): string[] {
    const env = readEnvelope(xml);
    if (!env.ok) return [`GIAMDINHHS: ${env.reason}`];
    if (env.facilityCode !== this.options.facilityCode)
      return [`MACSKCB ${env.facilityCode} is not ${this.options.facilityCode}`];
    const d = env.createdOn;
    const layout = layoutFor(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`);
    if (!layout.ok) return [`NGAYLAP ${d}: ${layout.reason}`];
    const errors: string[] = [];
    if (!env.files.some((f) => f.table === 'XML1')) errors.push('XML1 is missing');
    for (const f of env.files) {
      const def = tableDef(layout.layout, f.table);
      const rows = readTable(def, f.xml);
      if (!rows.ok) {
        errors.push(`${f.table}: ${rows.reason}`);
        continue;
      }
      tables[f.table] = rows.rows;
      for (const p of checkRows(def, rows.rows))
        errors.push(`${p.table} dòng ${p.row} ${p.field}: ${p.reason}`);
    }
    return errors;
  }

  private checkCheckIn(xml: string, tables: ReceivedDocument['tables']): string[] {
    const layout = layoutFor(receptionTime(new Date()).replace(/^(\d{4})(\d{2})(\d{2}).*/, '$1-$2-$3'));
    if (!layout.ok) return [layout.reason];
    const def = tableDef(layout.layout, 'XML0');
    const rows = readTable(def, xml);
    if (!rows.ok) return [`CHI_TIEU_TRANG_THAI_KCB: ${rows.reason}`];
    tables['XML0'] = rows.rows;
    return checkRows(def, rows.rows).map((p) => `${p.table} dòng ${p.row} ${p.field}: ${p.reason}`);
  }

  private token(form: URLSearchParams, res: ServerResponse): void {
    if (
      form.get('username') !== this.options.username ||
      form.get('password') !== md5Upper(this.options.password)
    )
      return this.reply(res, 200, { maKetQua: '401', thongDiep: 'Sai tên đăng nhập hoặc mật khẩu' });
    const accessToken = randomUUID();
    const idToken = randomUUID();
    const expiresAt = Date.now() + (this.options.tokenTtlMs ?? 30 * 60_000);
    this.tokens.set(accessToken, { idToken, expiresAt });
    this.reply(res, 200, {
      maKetQua: '200',
      APIKey: {
        access_token: accessToken,
        id_token: idToken,
        token_type: 'bearer',
        username: this.options.username,
        expires_in: new Date(expiresAt).toISOString(),
      },
    });
  }

  private reply(res: ServerResponse, status: number, body: object): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }
}

/** thoiGianTiepNhan, yyyyMMddHHmmss in Vietnam time (UTC+7). */
function receptionTime(d: Date): string {
  return new Date(d.getTime() + 7 * 3_600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
