// The root program: global options and the registry of commands. Each command's flags are
// defined in a light module (src/cli/<command>/define.ts); the module that runs it
// (src/cli/<command>/run.ts) is imported only when that command runs, so --help and --version
// load nothing heavy.
import { Command, Option } from "commander";
import { withDefault } from "./shared/flags.js";
import type { CommandContext, GlobalOptions, Io } from "./context.js";
import { readPackageFile } from "../util/package-root.js";
import { agentCommand } from "./agent/define.js";
import { checkCommand } from "./check/define.js";
import { applyCommand, convertAgentConfigCommand } from "./apply/define.js";
import { completionCommand } from "./completion/define.js";
import { exitCodeSummary } from "./exit-codes.js";
import { devServerCommand } from "./dev-server/define.js";
import { inspectCommand } from "./inspect/define.js";
import { issueCommand } from "./issue/define.js";
import { listCommand } from "./list/define.js";
import { renewCommand } from "./renew/define.js";
import { revokeCommand } from "./revoke/define.js";
import { statusCommand } from "./status/define.js";

/** What a command's run module (src/cli/<command>/run.ts) exports: run the command, return its exit code. */
export type CommandRunner = (ctx: CommandContext, command: Command) => Promise<number | void>;

interface Registration {
  define: () => Command;
  load: () => Promise<{ run: CommandRunner }>;
}

const REGISTRY: Registration[] = [
  { define: issueCommand, load: () => import("./issue/run.js") },
  { define: statusCommand, load: () => import("./status/run.js") },
  { define: renewCommand, load: () => import("./renew/run.js") },
  { define: revokeCommand, load: () => import("./revoke/run.js") },
  { define: listCommand, load: () => import("./list/run.js") },
  { define: checkCommand, load: () => import("./check/run.js") },
  { define: agentCommand, load: () => import("./agent/run.js") },
  { define: inspectCommand, load: () => import("./inspect/run.js") },
  { define: applyCommand, load: () => import("./apply/run.js") },
  { define: convertAgentConfigCommand, load: () => import("./apply/convert.js") },
  { define: completionCommand, load: () => import("./completion/run.js") },
  { define: devServerCommand, load: () => import("./dev-server/run.js") },
];

export function packageVersion(): string {
  const pkg = JSON.parse(readPackageFile("package.json")) as { version: string };
  return pkg.version;
}

/** The root command with global options only; shared by the program and completion generation. */
export function rootCommand(): Command {
  return new Command("certctl")
    .description("Issue and renew X.509 certificates through the Infisical Certificate Manager API")
    .version(packageVersion(), "-V, --version", "print the version and exit")
    .addOption(new Option("--domain <url>", "Infisical instance URL (env INFISICAL_DOMAIN; default https://app.infisical.com)"))
    .addOption(new Option("--token <token>", "access token (env INFISICAL_TOKEN); prefer the environment, argv is visible in ps"))
    .addOption(new Option("--client-id <id>", "Universal Auth client id (env INFISICAL_UNIVERSAL_AUTH_CLIENT_ID)"))
    .addOption(new Option("--client-secret-file <file>", "file holding the Universal Auth client secret (env INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET)"))
    .addOption(new Option("--auth-method <method>", "how to log in (env INFISICAL_AUTH_METHOD)")
      .choices(["universal-auth", "token", "kubernetes", "aws-iam", "gcp-id-token", "gcp-iam", "azure", "oidc", "jwt", "ldap"]))
    .addOption(new Option("--identity-id <uuid>", "machine identity id, for every method but universal-auth and token (env INFISICAL_MACHINE_IDENTITY_ID)"))
    .addOption(new Option("--organization-slug <slug>", "organization to log in to (env INFISICAL_AUTH_ORGANIZATION_SLUG)"))
    .addOption(new Option("--service-account-token-file <file>", "kubernetes: the service-account token (env INFISICAL_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH)"))
    .addOption(new Option("--jwt-file <file>", "jwt, oidc: file holding the JWT (env INFISICAL_JWT, the token itself)"))
    .addOption(new Option("--gcp-key-file <file>", "gcp-iam: service-account key file (env INFISICAL_GCP_IAM_SERVICE_ACCOUNT_KEY_FILE_PATH)"))
    .addOption(new Option("--ldap-username-file <file>", "ldap: file holding the username (env INFISICAL_LDAP_USERNAME)"))
    .addOption(new Option("--ldap-password-file <file>", "ldap: file holding the password (env INFISICAL_LDAP_PASSWORD)"))
    .addOption(new Option("--cacert <file>", "extra trusted CA bundle, PEM (env INFISICAL_CACERT)"))
    .addOption(withDefault(new Option("--timeout <duration>", "per-request timeout"), "30s"))
    .addOption(withDefault(new Option("--retries <n>", "retries of a retryable failure (connection error, timeout, 429, 502-504)"), "3"))
    .addOption(new Option("--insecure-http", "allow plain http:// to a host that is not loopback"))
    .addOption(new Option("--json", "print one JSON document on stdout"))
    .addOption(new Option("--quiet", "print nothing on stdout; errors still go to stderr"))
    .addOption(new Option("--no-color", "never colour output (NO_COLOR is honoured too)"));
}

export function buildProgram(io: Io, signal: AbortSignal, run: { exitCode: number }): Command {
  const program = rootCommand()
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .addHelpText("after", ROOT_EXAMPLES);

  for (const { define, load } of REGISTRY) {
    const command = define();
    command.copyInheritedSettings(program);
    command.action(async (...args: unknown[]) => {
      const self = args[args.length - 1] as Command;
      const globals = self.optsWithGlobals() as GlobalOptions;
      const { run: runCommand } = await load();
      const code = await runCommand({ io, globals, signal }, self);
      run.exitCode = code ?? 0;
    });
    program.addCommand(command);
  }
  return program;
}

const ROOT_EXAMPLES = `
Examples:
  $ certctl dev-server --port 8080                     # a local issuer to try things against
  $ certctl issue --profile web-server --project <id> --cn www.example.com --dns example.com
  $ certctl renew /etc/certctl/certs --deploy-hook 'systemctl reload nginx'
  $ certctl list /etc/certctl/certs                     # every certificate below it, with its state
  $ certctl check /etc/certctl/certs --format nagios
  $ certctl inspect fullchain.pem

Exit codes: ${exitCodeSummary()}.
`;
