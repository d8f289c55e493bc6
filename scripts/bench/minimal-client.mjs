// The baseline for `certctl issue`: the least a Node script can do for the same job —
// an openssl-made P-256 key and CSR, the same two HTTP calls (login, issue) with the
// built-in fetch, and the files written. No validation, no verification, no retries.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [url, profileId, outDir] = process.argv.slice(2);
mkdirSync(outDir, { recursive: true });
const keyFile = join(outDir, "key.pem");
execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
  "-keyout", keyFile, "-subj", "/CN=bench.localhost", "-addext", "subjectAltName=DNS:bench.localhost",
  "-out", join(outDir, "csr.pem")], { stdio: "ignore" });
const csr = readFileSync(join(outDir, "csr.pem"), "utf8");

const login = await fetch(`${url}/api/v1/auth/universal-auth/login`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ clientId: process.env.INFISICAL_UNIVERSAL_AUTH_CLIENT_ID, clientSecret: process.env.INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET }),
}).then((r) => r.json());
const issued = await fetch(`${url}/api/v1/cert-manager/certificates`, {
  method: "POST",
  headers: { "content-type": "application/json", authorization: `Bearer ${login.accessToken}` },
  body: JSON.stringify({ profileId, csr, attributes: { ttl: "30d" } }),
}).then((r) => r.json());
const { certificate, certificateChain } = issued.certificate;
writeFileSync(join(outDir, "cert.pem"), certificate + "\n");
writeFileSync(join(outDir, "chain.pem"), certificateChain + "\n");
writeFileSync(join(outDir, "fullchain.pem"), `${certificate}\n${certificateChain}\n`);
