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
