import { createHash } from 'node:crypto';

/**
 * Client of the BHXH insurance gateway ("egw") as BHXH letters 3190/2023 and 1245/2024 describe it (the spec,
 * vietnam-bhyt-emr.md §1.4): a session token from `POST /api/token/take` (form fields username and the MD5 of
 * the password in upper-case hex: what BHXH requires, not good practice), then form posts carrying the token in
 * the `accessToken`, `tokenId` and `passwordHash` headers. The current endpoints are the QĐ 3176 ones.
 * Plain `fetch`: the API is three form posts, and no maintained client library for it exists.
 */
export interface GatewayAnswer {
  /** 'accepted' (maKetQua 200), 'rejected' (the gateway refused the document), 'transient' (try again). */
  readonly outcome: 'accepted' | 'rejected' | 'transient';
  readonly httpStatus: number | null;
  readonly resultCode: string | null;
  readonly transactionId: string | null;
  readonly receivedAt: string | null;
  readonly message: string;
  readonly body: string | null;
}

export interface GatewayAccount {
  readonly baseUrl: string;
  readonly username: string;
  readonly password: string;
  readonly provinceCode: string;
  readonly facilityCode: string;
}

export const GATEWAY_PATHS = {
  token: '/api/token/take',
  checkIn: '/api/qd130/checkInKcbQd3176',
  claim: '/api/qd130/guiHoSoXmlQD3176',
} as const;

/** loaiHoSo of the two uploads (§1.4 items 2 and 3). */
const DOCUMENT_TYPE = { 'check-in': '0', claim: '130' } as const;

interface Token {
  accessToken: string;
  idToken: string;
  expiresAt: number;
}

export const md5Upper = (s: string) => createHash('md5').update(s, 'utf8').digest('hex').toUpperCase();

export class BhxhGatewayClient {
  private token: Token | null = null;

  constructor(
    private readonly account: GatewayAccount,
    private readonly timeoutMs = 30_000,
  ) {}

  async send(kind: 'check-in' | 'claim', signedXml: string): Promise<GatewayAnswer> {
    let answer = await this.sendOnce(kind, signedXml);
    // An expired or revoked session answers 401: log in again once, then report what happens.
    if (answer.resultCode === '401' || answer.httpStatus === 401) {
      this.token = null;
      answer = await this.sendOnce(kind, signedXml);
    }
    return answer;
  }

  private async sendOnce(kind: 'check-in' | 'claim', signedXml: string): Promise<GatewayAnswer> {
    let token: Token;
    try {
      token = await this.session();
    } catch (err) {
      return transient(null, `login failed: ${(err as Error).message}`);
    }
    const form = new URLSearchParams({
      username: this.account.username,
      loaiHoSo: DOCUMENT_TYPE[kind],
      maTinh: this.account.provinceCode,
      maCSKCB: this.account.facilityCode,
      fileHSBase64: Buffer.from(signedXml, 'utf8').toString('base64'),
    });
    let res: Response;
    let body: string;
    try {
      res = await fetch(
        new URL(kind === 'claim' ? GATEWAY_PATHS.claim : GATEWAY_PATHS.checkIn, this.account.baseUrl),
        {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            accessToken: token.accessToken,
            tokenId: token.idToken,
            passwordHash: md5Upper(this.account.password),
          },
          body: form,
          signal: AbortSignal.timeout(this.timeoutMs),
        },
      );
      body = await res.text();
    } catch (err) {
      return transient(null, `gateway unreachable: ${(err as Error).message}`);
    }
    if (res.status >= 500 || res.status === 429)
      return transient(res.status, `gateway answered HTTP ${res.status}`, body);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return transient(res.status, `gateway answered HTTP ${res.status} with a body that is not JSON`, body);
    }
    const code = json['maKetQua'] === undefined ? null : String(json['maKetQua']);
    const base = {
      httpStatus: res.status,
      resultCode: code,
      transactionId: json['maGiaoDich'] ? String(json['maGiaoDich']) : null,
      receivedAt: json['thoiGianTiepNhan'] ? String(json['thoiGianTiepNhan']) : null,
      message: String(json['thongDiep'] ?? ''),
      body,
    };
    if (code === '200') return { outcome: 'accepted', ...base };
    if (code === '401') return { outcome: 'transient', ...base };
    return { outcome: 'rejected', ...base };
  }

  private async session(): Promise<Token> {
    if (this.token && this.token.expiresAt - 60_000 > Date.now()) return this.token;
    const res = await fetch(new URL(GATEWAY_PATHS.token, this.account.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        username: this.account.username,
        password: md5Upper(this.account.password),
      }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const json = (await res.json().catch(() => ({}))) as {
      maKetQua?: string | number;
      APIKey?: { access_token?: string; id_token?: string; expires_in?: string };
    };
    if (String(json.maKetQua) !== '200' || !json.APIKey?.access_token)
      throw new Error(`token/take answered HTTP ${res.status}, maKetQua ${String(json.maKetQua)}`);
    const expires = Date.parse(json.APIKey.expires_in ?? '');
    this.token = {
      accessToken: json.APIKey.access_token,
      idToken: json.APIKey.id_token ?? '',
      expiresAt: Number.isFinite(expires) ? expires : Date.now() + 10 * 60_000,
    };
    return this.token;
  }
}

function transient(httpStatus: number | null, message: string, body: string | null = null): GatewayAnswer {
  return {
    outcome: 'transient',
    httpStatus,
    resultCode: null,
    transactionId: null,
    receivedAt: null,
    message,
    body,
  };
}
