import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

/**
 * `serve --tls-cert/--tls-key`: the PEM files read and tried together at start, so a missing
 * file, a key that is not the certificate's, or a file that is not PEM stops the start with a
 * sentence rather than a failure at the first connection.
 */
export function readTlsFiles(files: { certFile: string; keyFile: string }): { cert: string; key: string } {
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`Cannot read the TLS ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
    }
  };
  const cert = read(files.certFile, 'certificate');
  const key = read(files.keyFile, 'key');
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new Error(
      `The TLS certificate ${files.certFile} and key ${files.keyFile} cannot be used together (${(error as Error).message}): ` +
        'give a PEM certificate and the PEM private key it was made for',
      { cause: error },
    );
  }
  return { cert, key };
}
