/** The studio queue's address as people see it: every part but the secrets. */
import { describe, expect, it } from 'vitest';
import { maskStudioUrl } from '../../main/core/queue/studio-address';

describe('maskStudioUrl', () => {
  it('masks the password and drops secret query parameters, keeping the rest', () => {
    expect(maskStudioUrl('postgres://vb:s3cr%40t@db.studio:5432/queue?sslmode=require&password=x&sslpassword=y')).toBe(
      'postgres://vb:•••••@db.studio:5432/queue?sslmode=require',
    );
    expect(maskStudioUrl('postgresql://editor@studio-db/venice')).toBe('postgresql://editor@studio-db/venice');
  });

  it('gives nothing for nothing, and never echoes an unreadable address (it may hold a password)', () => {
    expect(maskStudioUrl(undefined)).toBeNull();
    expect(maskStudioUrl('  ')).toBeNull();
    expect(maskStudioUrl('postgres://user:pa ss@')).toBe('postgres:// (unreadable address)');
  });
});
