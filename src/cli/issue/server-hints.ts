// A refusal's next step, in flags: the server's words stay (core reports them as they are), and
// where the answer has a known cause the hint says which flag to change. Core words its own
// hints in domain terms; `certctl issue` is where the flags that fix them are known.
import { RefusedError } from "../../model/errors.js";
import type { IssueParams } from "../../core/request/issue.js";

export function withServerHint(error: unknown, params: Pick<IssueParams, "mode" | "attributes">): unknown {
  if (!(error instanceof RefusedError)) return error;
  const hint = flagHint(error, params);
  if (!hint) return error;
  return new RefusedError(error.message, { hint, lines: error.lines, cause: error, ...(error.status !== undefined ? { status: error.status } : {}) });
}

function flagHint(error: RefusedError, { mode, attributes }: Pick<IssueParams, "mode" | "attributes">): string | undefined {
  const text = [error.message, ...error.lines].join(" ");
  if (mode === "server-keygen" && /returned no private key/.test(error.message)) {
    return "The machine identity needs the ReadPrivateKey permission on certificates for --server-keygen, or drop --server-keygen to generate the key locally.";
  }
  // The rest are the server's answers to the create request (an HTTP refusal).
  if (error.status === undefined) return undefined;
  const caAlgorithm = /not compatible with CA key algorithm (\w+)/i.exec(text)?.[1];
  if (caAlgorithm) {
    const ec = caAlgorithm.startsWith("EC");
    return mode === "server-keygen"
      ? `The CA's key is ${caAlgorithm}: pass --key-algorithm ${ec ? "p256" : "rsa2048"} (or another ${ec ? "EC" : "RSA"} algorithm) and a matching --signature-algorithm.`
      : `The CA's key is ${caAlgorithm}, so the CSR must be signed with ${ec ? "ECDSA" : "RSA"}: use --key-algorithm ${ec ? "p256, p384 or p521" : "rsa2048, rsa3072 or rsa4096"}` +
        `${mode === "csr" ? " for a new CSR" : ""}, or --server-keygen.`;
  }
  if (/self-signed certificates are not supported for CSR signing/i.test(text)) return "This profile's CA is self-signed and cannot sign CSRs: use --server-keygen.";
  if (/requires a valid TTL/i.test(text) && attributes.ttl === undefined) {
    return "This server requires a lifetime: use --ttl (e.g. --ttl 90d) instead of --not-before/--not-after.";
  }
  if (/profile not found/i.test(text)) return "Check --profile (a profile id, or a slug with --project).";
  return undefined;
}
