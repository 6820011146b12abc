import { type DownloadError, permanentError } from './download-error.js';

/**
 * A certificate that TLS refused, in words (ARCHITECTURE.md §3 "Classification"): what is wrong
 * with it and for which host, rather than OpenSSL's code. Permanent: the same certificate is
 * refused on every attempt.
 */

export const TLS_CODE = /^(CERT_|ERR_TLS_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/** How a user trusts an authority of their own, for the refusals a private CA would explain. */
const TRUST_HINT = '; to trust a private authority, add it with NODE_EXTRA_CA_CERTS or the ca_file setting';

interface PeerCertificate {
  subject?: { CN?: unknown };
  subjectaltname?: unknown;
}

/** The host without its port (`[::1]:443` → `::1`): certificates name hosts, not ports. */
function hostName(host: string): string {
  const bracketed = /^\[(.+)\](?::\d+)?$/.exec(host);
  if (bracketed) return bracketed[1]!;
  return /^[^:]+:\d+$/.test(host) ? host.slice(0, host.lastIndexOf(':')) : host;
}

/**
 * The name a certificate is for: its first subject alternative name, else its common name.
 * Node puts the certificate on a host-name mismatch (checkServerIdentity); got wraps that error.
 */
function certifiedName(error: unknown): string | null {
  const carrier = error as { cert?: PeerCertificate; cause?: { cert?: PeerCertificate } } | null;
  const cert = carrier?.cert ?? carrier?.cause?.cert;
  const alt = typeof cert?.subjectaltname === 'string' ? cert.subjectaltname.split(',')[0]?.trim() : undefined;
  // "DNS:other.example", "IP Address:10.0.0.1"
  const name = alt?.slice(alt.indexOf(':') + 1) || (typeof cert?.subject?.CN === 'string' ? cert.subject.CN : '');
  return name === '' ? null : name;
}

/** The error for a TLS failure `code` talking to `host` (name and port). */
export function tlsError(code: string, error: unknown, host: string): DownloadError {
  const name = hostName(host);
  const sentence = (words: string) => permanentError('TLS_ERROR', words, error);
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return sentence(`${name} uses a self-signed certificate, which is not trusted${TRUST_HINT}`);
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return sentence(`The certificate of ${name} is signed by an authority this computer does not trust${TRUST_HINT}`);
    case 'CERT_HAS_EXPIRED':
      return sentence(`The certificate of ${name} has expired; check this computer's date, or tell the site's owner`);
    case 'CERT_NOT_YET_VALID':
      return sentence(`The certificate of ${name} is not valid yet; check this computer's date`);
    case 'CERT_REVOKED':
      return sentence(`The certificate of ${name} has been revoked`);
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'HOSTNAME_MISMATCH': {
      const other = certifiedName(error);
      return sentence(other === null ? `The certificate of ${name} is for another host` : `The certificate is for ${other}, not ${name}`);
    }
  }
  return sentence(`The secure connection to ${name} failed: its certificate was refused (${code})${TRUST_HINT}`);
}
