import { syslogSettingsFromEnv } from './syslog-settings';

describe('syslogSettingsFromEnv', () => {
  it('is off without AUDIT_SYSLOG_URL', () => {
    expect(syslogSettingsFromEnv({})).toBeUndefined();
  });

  it('reads tls://host:port, defaulting to port 6514 (RFC 5425 §4.1)', () => {
    expect(syslogSettingsFromEnv({ AUDIT_SYSLOG_URL: 'tls://arr.example' })).toMatchObject({
      host: 'arr.example',
      port: 6514,
      sdId: 'hospAudit@32473',
    });
    expect(syslogSettingsFromEnv({ AUDIT_SYSLOG_URL: 'tls://[::1]:7514' })).toMatchObject({
      host: '::1',
      port: 7514,
    });
  });

  it('refuses plain TCP or UDP and unreadable certificate files', () => {
    expect(() => syslogSettingsFromEnv({ AUDIT_SYSLOG_URL: 'tcp://arr:514' })).toThrow(/RFC 5425/);
    expect(() =>
      syslogSettingsFromEnv({ AUDIT_SYSLOG_URL: 'tls://arr:6514', AUDIT_SYSLOG_CA: 'does/not/exist.pem' }),
    ).toThrow(/AUDIT_SYSLOG_CA/);
  });
});
