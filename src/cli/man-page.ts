// The man page of this build: the real command tree (every command's define(), no run modules
// loaded) rendered by man.ts. An entry point of its own for scripts/gen-man.js and the drift test.
import { Readable, Writable } from "node:stream";
import { EXIT_CODE_MEANINGS } from "./exit-codes.js";
import { renderManPage, type ManCommand } from "./man.js";
import { buildProgram, packageVersion } from "./program.js";

const FILES = [
  "cert.pem: the leaf certificate. chain.pem: the issuing intermediates (no leaf, no self-signed root). " +
    "fullchain.pem: leaf and intermediates, what a TLS server sends. ca.pem: the self-signed root, when the server returned one. " +
    "key.pem: the private key, PKCS#8, mode 0600 unless --key-mode, --owner or --group say otherwise.",
  "certctl.json: what renew, status, list and check need later (server, profile, attributes, certificate id, serial, " +
    "dates, file paths, the stored deploy hook, revocation); never a secret or a key.",
  ".certctl/: versioned sets (each file above is a link into .certctl/live, which points at one complete version), " +
    "pending requests and the directory lock.",
];

const ENVIRONMENT = [
  "INFISICAL_DOMAIN, INFISICAL_API_URL: the instance URL (--domain). INFISICAL_TOKEN, INFISICAL_UNIVERSAL_AUTH_ACCESS_TOKEN: an access token (--token).",
  "INFISICAL_UNIVERSAL_AUTH_CLIENT_ID, INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: Universal Auth credentials (--client-id, --client-secret-file). " +
    "INFISICAL_CACERT: an extra trusted CA bundle (--cacert).",
  "NO_COLOR, FORCE_COLOR: colour; CERTCTL_DEBUG=1: stack traces for internal errors. HTTPS_PROXY, NO_PROXY: proxies.",
  "CERTCTL_COMPILE_CACHE: where V8's compile cache goes (default $XDG_CACHE_HOME/certctl or ~/.cache/certctl); 0 turns it off.",
];

export function manPageText(): string {
  const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });
  const io = {
    stdout: discard(), stderr: discard(), stdin: Readable.from([]), env: {}, cwd: "/",
    stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false,
  };
  const program = buildProgram(io, new AbortController().signal, { exitCode: 0 });
  return renderManPage(program as unknown as ManCommand, {
    version: packageVersion(),
    exitCodes: EXIT_CODE_MEANINGS.map(([code, , meaning]) => [code, meaning] as const),
    sections: [["Files", FILES], ["Environment", ENVIRONMENT]],
  });
}
