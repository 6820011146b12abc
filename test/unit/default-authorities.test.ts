import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { defaultAuthorities } from '../../src-main/sources/default-authorities.js';

const pem = (body: string) => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;

describe('defaultAuthorities', () => {
  it("takes Node's own list where Node has one (22.15 and later)", () => {
    expect(defaultAuthorities(() => ['listed by node'], '/ignored.pem')).toEqual(['listed by node']);
  });

  it('elsewhere, the bundled roots plus every certificate in NODE_EXTRA_CA_CERTS, and only those', () => {
    const dir = mkdtempSync(join(tmpdir(), 'steadfast-ca-'));
    try {
      const file = join(dir, 'extra.pem');
      writeFileSync(file, `# corporate roots\n${pem('AAAA')}\nnoise\n${pem('BBBB')}\n`);
      expect(defaultAuthorities(undefined, file)).toEqual([...rootCertificates, pem('AAAA'), pem('BBBB')]);
      expect(defaultAuthorities(undefined, undefined)).toEqual([...rootCertificates]);
      expect(defaultAuthorities(undefined, '')).toEqual([...rootCertificates]);
      // Node warns at start about a file it cannot read and trusts none of it.
      expect(defaultAuthorities(undefined, join(dir, 'missing.pem'))).toEqual([...rootCertificates]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
