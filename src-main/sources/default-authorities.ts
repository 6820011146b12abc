import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';

/** Node 22.15+ lists the authorities it trusts by default; Node 20 does not. */
type ListAuthorities = (type: 'default') => string[];

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The authorities a TLS connection trusts when it is given none: Node's bundled roots and those
 * of NODE_EXTRA_CA_CERTS. A `ca` option replaces all of them, so a list that adds the ca_file
 * starts from these, or setting ca_file would silently drop NODE_EXTRA_CA_CERTS
 * (ARCHITECTURE.md §8). Where Node cannot list them (before 22.15), the variable's file is read
 * here as Node read it at start; a file Node could not read it already warned about.
 */
export function defaultAuthorities(
  listed: ListAuthorities | undefined = (tls as { getCACertificates?: ListAuthorities }).getCACertificates,
  extraFile: string | undefined = process.env.NODE_EXTRA_CA_CERTS,
): string[] {
  if (typeof listed === 'function') return listed('default');
  if (extraFile === undefined || extraFile === '') return [...tls.rootCertificates];
  let extra: string[] = [];
  try {
    extra = readFileSync(extraFile, 'utf8').match(PEM_CERTIFICATE) ?? [];
  } catch {
    // Node warned at start and trusts none of it: neither do we.
  }
  return [...tls.rootCertificates, ...extra];
}
