// certctl's own key + CSR path, timed inside one process (the modules already loaded),
// so the number is the work itself: generateSigningKey + buildCsr from dist/.
const { exportPrivateKeyPem, generateSigningKey } = await import("../../dist/keys.cjs");
const { buildCsr } = await import("../../dist/csr.cjs");

const [algorithm, runs] = [process.argv[2], Number(process.argv[3] ?? 5)];
const attributes = { commonName: "bench.localhost", altNames: [{ type: "dns_name", value: "bench.localhost" }] };
await buildCsr(attributes, await generateSigningKey("EC_prime256v1")); // warm-up
const times = [];
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  const key = await generateSigningKey(algorithm);
  await buildCsr(attributes, key);
  await exportPrivateKeyPem(key.keys.privateKey);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
process.stdout.write(JSON.stringify(times) + "\n");
