// How a message names what the user gave certctl. Core words its messages with these names: by
// default in domain words ("the key file"); the cli passes its flags instead
// (src/cli/shared/input-names.ts), so a user reads the flag they typed and what to pass.

export interface InputNames {
  /** The existing private key to build the CSR from. */
  key: string;
  /** The CSR submitted as it is ("-": standard input). */
  csr: string;
  /** Where the password of an encrypted key comes from. */
  keyPassword: string;
  /** Where the PKCS#12 password comes from. */
  p12Password: string;
  /** How to ask for a PKCS#12 without a password; undefined where nobody can ask. */
  p12EmptyPassword?: string;
  /** The signature algorithm asked for. */
  signatureAlgorithm: string;
  /** The way past a safety check (a pending request, existing files, a renewal not due). */
  force?: string;
  /** Asking the server to make the key. */
  serverKeygen?: string;
}

export const DOMAIN_NAMES: InputNames = {
  key: "the key file",
  csr: "the CSR file",
  keyPassword: "the key password file",
  p12Password: "the PKCS#12 password file",
  signatureAlgorithm: "the signature algorithm",
};
