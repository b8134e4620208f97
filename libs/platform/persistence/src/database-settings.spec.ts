import { databaseNameFor, databaseOf, databaseUrlFromEnv, withDatabase } from './database-settings';

describe('database settings', () => {
  it('gives each service its own database', () => {
    expect(databaseNameFor('image-archive-gateway')).toBe('hosp_image_archive_gateway');
    expect(databaseUrlFromEnv('his', {})).toBe('postgres://postgres@127.0.0.1:5432/hosp_his');
    expect(databaseUrlFromEnv('his', { DATABASE_SERVER_URL: 'postgres://u:p@db:5433' })).toBe(
      'postgres://u:p@db:5433/hosp_his',
    );
    expect(databaseUrlFromEnv('his', { DATABASE_URL: 'postgres://x/y' })).toBe('postgres://x/y');
  });

  it('swaps the database of a URL and reads it back', () => {
    expect(withDatabase('postgres://u@h:5432/a?sslmode=require', 'b')).toBe(
      'postgres://u@h:5432/b?sslmode=require',
    );
    expect(databaseOf('postgres://u@h:5432/hosp_claims')).toBe('hosp_claims');
  });
});
