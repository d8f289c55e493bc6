// Ids of Infisical objects (profiles, applications, certificates, requests) are UUIDs; the server
// answers 422 to anything else, so certctl checks before sending and never puts a non-UUID from
// a server into a path or a printed command.

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value.trim());
}
