import { Command, Option } from "commander";

export function inspectCommand(): Command {
  return new Command("inspect")
    .summary("Show a certificate, a chain or a CSR")
    .description("Show a certificate, a chain (in order, with whether each links to the next) or a CSR")
    .argument("<file>", "PEM or DER certificate, chain, CSR, private key, combined PEM or PKCS#12 keystore; - reads standard input")
    .addOption(new Option("--password-file <file>", "password of a PKCS#12 or an encrypted key (first line; else $CERTCTL_P12_PASSWORD)"))
    .addHelpText("after", EXAMPLES);
}

const EXAMPLES = `
Shows subject, SANs by type, issuer, serial, validity and time left (yellow under a third of the
lifetime, red when expired), key type and size, signature algorithm, key usages, EKUs, basic
constraints and fingerprints. Reads PEM (several blocks for a chain) or DER, key.pem (its type,
never its content), a combined PEM, and a PKCS#12 with its password.

Examples:
  $ certctl inspect fullchain.pem                      # every certificate, and whether each links to the next
  $ certctl inspect --json cert.pem | jq -r '.certificates[0].notAfter'
  $ openssl req -new -key key.pem -subj /CN=example.com | certctl inspect -
  $ certctl inspect cert.p12 --password-file p12.pass  # a keystore: its certificates, encryption, MAC and alias
`;
