import { Command } from "commander";

export function inspectCommand(): Command {
  return new Command("inspect")
    .summary("Show a certificate, a chain or a CSR")
    .description("Show a certificate, a chain (in order, with whether each links to the next) or a CSR")
    .argument("<file>", "PEM or DER file with a certificate, a chain or fullchain, or a CSR; - reads standard input")
    .addHelpText("after", EXAMPLES);
}

const EXAMPLES = `
Shows subject, SANs by type, issuer, serial, validity and time left (yellow under a third of the
lifetime, red when expired), key type and size, signature algorithm, key usages, EKUs, basic
constraints and fingerprints. Reads PEM (several blocks for a chain) or DER; never prints a key.

Examples:
  $ certctl inspect fullchain.pem                      # every certificate, and whether each links to the next
  $ certctl inspect --json cert.pem | jq -r '.certificates[0].notAfter'
  $ openssl req -new -key key.pem -subj /CN=example.com | certctl inspect -
  $ certctl inspect request.csr.der                    # DER works too
`;
