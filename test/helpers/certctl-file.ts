// A declarative certctl file for the apply and agent e2e tests: the server and universal auth in the
// file itself (the command's environment has neither), the defaults they share, then the entries.

export function certctlFileText(target: { url: string; projectId: string }, auth: { clientId: string; secretFile: string }, entries: string): string {
  return `version: 1
server: {domain: "${target.url}"}
auth:
  client-id: ${auth.clientId}
  client-secret-file: ${auth.secretFile}
defaults:
  directory: certs
  profile: default
  project: ${target.projectId}
  ttl: 30d
certificates:
${entries}`;
}

/**
 * The Infisical agent's v2 file (certificate-agent-config.yaml): the server, universal auth from two
 * files, then a `certificate-id` item whose files go to host/managed.crt and host/managed.key, and
 * any further `certificates:` items.
 */
export function infisicalAgentFileText(url: string, auth: { clientIdFile: string; secretFile: string }, certificateId: string, more = ""): string {
  return `version: v2
infisical: {address: "${url}"}
auth: {type: universal-auth, config: {client-id: ${auth.clientIdFile}, client-secret: ${auth.secretFile}}}
certificates:
  - certificate-id: ${certificateId}
    file-output:
      certificate: {path: host/managed.crt}
      private-key: {path: host/managed.key}
${more}`;
}
