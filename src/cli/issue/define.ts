// Flags of `certctl issue`. Light module: commander only, so --help stays cheap.
import { Command, Option } from "commander";
import type { AttributeFlags } from "./attributes.js";
import { ALT_NAME_FLAGS } from "./alt-name-flags.js";
import type { FormatFlags } from "./formats.js";
import { forceOption, listOption, noWaitOption, outDirOption, waitTimeoutOption } from "../shared/flags.js";
import { DEFAULT_KEY_ALGORITHM, KEY_ALGORITHM_CHOICES } from "../../model/algorithms.js";

/**
 * Raw values as commander collects them; src/cli/issue/parse.ts turns them into IssueParams.
 * The subject, SAN, usage, algorithm and validity flags are the ones ./attributes.ts reads
 * (a type-only import: nothing is loaded at run time).
 */
export interface IssueFlags extends AttributeFlags, FormatFlags {
  deployHook?: string;
  profile?: string;
  project?: string;
  application?: string;
  commonName?: string;
  removeRootsFromChain?: boolean;
  csr?: string;
  key?: string;
  serverKeygen?: boolean;
  outDir?: string;
  certFile?: string;
  chainFile?: string;
  fullchainFile?: string;
  keyFile?: string;
  keyMode?: string;
  owner?: string;
  group?: string;
  force?: boolean;
  /** false with --no-wait */
  wait: boolean;
  waitTimeout: string;
}


export function issueCommand(): Command {
  const list = listOption;
  return recordAltNameOrder(new Command("issue")
    .summary("Issue a certificate into ./<name> or --out-dir (the key is made locally)")
    .description("Issue a certificate: key and CSR made locally, certificate, chain and key written to --out-dir (default ./<name>)")
    .addOption(new Option("--profile <uuid|slug>", "certificate profile id, or its slug together with --project"))
    .addOption(new Option("--project <id>", "project id, to resolve a --profile slug"))
    .addOption(new Option("--application <uuid>", "application id (top-level applicationId)"))
    .addOption(new Option("--cn <name>", "subject common name; a DNS name or IP is also put into the SANs"))
    .addOption(new Option("--no-cn-san", "do not copy a --cn that is a DNS name or IP into the SANs"))
    .addOption(new Option("--common-name <name>", "same as --cn").hideHelp())
    .addOption(list("--dns <name>", "DNS name SAN, e.g. www.example.com or *.example.com (repeatable)"))
    .addOption(list("--ip <addr>", "IP address SAN, IPv4 or IPv6 (repeatable)"))
    .addOption(list("--email <addr>", "email SAN (repeatable)"))
    .addOption(list("--uri <uri>", "URI SAN with a scheme, e.g. spiffe://example.org/web (repeatable)"))
    .addOption(list("--san <value>", "SAN whose type is detected: IP, email, URI with a scheme, else DNS (repeatable)"))
    .addOption(new Option("--org <name>", "subject organization (O)"))
    .addOption(new Option("--ou <name>", "subject organizational unit (OU)"))
    .addOption(new Option("--country <code>", "subject country (C), e.g. US"))
    .addOption(new Option("--state <name>", "subject state or province (ST)"))
    .addOption(new Option("--locality <name>", "subject locality (L)"))
    .addOption(list("--key-usage <list>", "key usages, comma-separated or repeated: digital_signature, key_encipherment, non_repudiation, data_encipherment, key_agreement, key_cert_sign, crl_sign, encipher_only, decipher_only"))
    .addOption(list("--ext-key-usage <list>", "extended key usages: server_auth, client_auth, code_signing, email_protection, ocsp_signing, time_stamping"))
    .addOption(new Option("--key-algorithm <alg>", `key to generate: ${KEY_ALGORITHM_CHOICES}; default ${DEFAULT_KEY_ALGORITHM}`))
    .addOption(new Option("--signature-algorithm <alg>", "RSA-SHA256|384|512 or ECDSA-SHA256|384|512; default SHA-256 in the key's family; must suit the CA's key family"))
    .addOption(new Option("--ttl <duration>", "lifetime, e.g. 90d, 12h, 2w, '90 days' (sent as whole days or hours); default 30d"))
    .addOption(new Option("--not-before <date>", "validity start, ISO 8601 (with --not-after; not with --ttl)"))
    .addOption(new Option("--not-after <date>", "validity end, ISO 8601 (with --not-before; not with --ttl)"))
    .addOption(new Option("--ca", "request a CA certificate (basicConstraints isCA)"))
    .addOption(new Option("--path-length <n>", "CA path length constraint (with --ca)"))
    .addOption(new Option("--remove-roots-from-chain", "leave the root CA out of chain.pem and fullchain.pem"))
    .addOption(new Option("--csr <file|->", "submit this CSR (PEM or DER) as it is; no key is written"))
    .addOption(new Option("--key <file>", "build the CSR from this existing private key (left untouched; key.pem gets a PKCS#8 copy)"))
    .addOption(new Option("--server-keygen", "let the server generate the key (needs the ReadPrivateKey permission)"))
    .addOption(outDirOption("where files go (default ./<name>: the CN, else the first SAN)"))
    .addOption(new Option("--cert-file <path>", "certificate path (default <out-dir>/cert.pem)"))
    .addOption(new Option("--chain-file <path>", "issuing chain path (default <out-dir>/chain.pem)"))
    .addOption(new Option("--fullchain-file <path>", "certificate + chain path (default <out-dir>/fullchain.pem)"))
    .addOption(new Option("--key-file <path>", "private key path (default <out-dir>/key.pem, mode 0600)"))
    .addOption(new Option("--key-mode <octal>", "key.pem's mode, e.g. 0640 for a service that reads it through --group (default 0600)"))
    .addOption(new Option("--owner <user|uid>", "key.pem's owner (needs the right to chown)"))
    .addOption(new Option("--group <group|gid>", "key.pem's group, e.g. ssl-cert"))
    .addOption(new Option("--p12 [path]", "also write a PKCS#12 keystore (key + leaf + chain; default <out-dir>/cert.p12), renewed with the set"))
    .addOption(new Option("--p12-password-file <file>", "the PKCS#12 password, first line of this file (else $CERTCTL_P12_PASSWORD; never on argv)"))
    .addOption(new Option("--p12-empty-password", "write the PKCS#12 without a password (only when asked for)"))
    .addOption(new Option("--p12-legacy", "PKCS#12 for Java 8 and old Windows: 3DES and a SHA-1 MAC (default: AES-256/PBKDF2 and HMAC-SHA256)"))
    .addOption(new Option("--p12-name <name>", "the keystore alias (friendly name); default the CN, else the first SAN"))
    .addOption(new Option("--der [path]", "also write the leaf in DER (default <out-dir>/cert.der)"))
    .addOption(new Option("--combined-file <path>", "also write key + leaf + chain in one PEM (HAProxy, Postfix), with key.pem's mode"))
    .addOption(new Option("--key-password-file <file>", "encrypt key.pem (PKCS#8, AES-256/PBKDF2) with the first line of this file; also opens an encrypted --key"))
    .addOption(new Option("--deploy-hook <command>", "recorded in certctl.json: certctl renew runs it after replacing this set (unless renew --deploy-hook is given)"))
    .addOption(forceOption("replace existing files (without it certctl refuses and changes nothing)"))
    .addOption(noWaitOption())
    .addOption(waitTimeoutOption())
    .addHelpText("after", EXAMPLES));
}

/**
 * commander collects each SAN flag into its own list, which loses the order across flags; its
 * per-occurrence events keep it (whatever the spelling: `--dns x`, `--dns=x`, repeated), so the
 * SANs reach the certificate in the order typed as IssueFlags.altNamesInOrder.
 */
function recordAltNameOrder(command: Command): Command {
  for (const flag of ALT_NAME_FLAGS) {
    command.on(`option:${flag}`, (value: string) => {
      const sofar = (command.getOptionValue("altNamesInOrder") ?? []) as Array<readonly [string, string]>;
      command.setOptionValue("altNamesInOrder", [...sofar, [flag, value]]);
    });
  }
  return command;
}

const EXAMPLES = `
Without --ttl or dates certctl asks for 30 days. Infisical builds that require a TTL answer
"Certificate issuance requires a valid TTL" to --not-before/--not-after alone; certctl shows that
message as it is (exit 4). A pending request (approval, external CA) is waited for up to
--wait-timeout; then certctl exits 5 and prints the 'certctl status' command that resumes it.
Without --out-dir the files go into ./<name>, named after the CN (else the first SAN; with --csr,
after the CSR file); a CN that is a DNS name or IP is also a SAN unless --no-cn-san.

Examples:
  $ certctl issue --profile 3f2c6a1e-8d4b-4f7a-9c2e-1b5d7e9f0a11 --cn www.example.com --dns example.com --out-dir /etc/certctl/web
  $ certctl issue --profile web-server --project 9b3e0c52-6a7f-4d1e-8c2b-5f4a3e2d1c0b --cn api.internal --san 10.0.0.5 --san api.internal \\
      --key-usage digital_signature,key_encipherment --ext-key-usage server_auth --ttl 90d
  $ certctl issue --profile rsa-servers --project 9b3e0c52-6a7f-4d1e-8c2b-5f4a3e2d1c0b --cn legacy.example.com --key-algorithm rsa3072 --ttl 1y  # into ./legacy.example.com/
  $ certctl issue --profile approval --project 9b3e0c52-6a7f-4d1e-8c2b-5f4a3e2d1c0b --cn pay.example.com --no-wait --json   # exit 5, then: certctl status <id>
`;
