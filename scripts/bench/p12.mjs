// certctl's PKCS#12 writer, timed inside one process (modules loaded and warmed): buildPkcs12 from
// dist/ on the key and certificates of the given PEM files. Prints the times as JSON.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";

const { buildPkcs12 } = await import("../../dist/p12.cjs");
const [keyFile, certFile, chainFile, mode, runs] = [process.argv[2], process.argv[3], process.argv[4], process.argv[5], Number(process.argv[6] ?? 5)];
const privateKey = createPrivateKey(readFileSync(keyFile)).export({ type: "pkcs8", format: "der" });
const certs = [certFile, chainFile].flatMap((f) => readFileSync(f, "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [])
  .map((pem) => new X509Certificate(pem).raw);
const input = { privateKey, certificates: certs, password: "bench-password", legacy: mode === "legacy", friendlyName: "bench" };
buildPkcs12(input); // warm-up
const times = [];
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  buildPkcs12(input);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
process.stdout.write(JSON.stringify(times) + "\n");
