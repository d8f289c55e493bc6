// The SAN flags, in one list: define.ts records their order as typed (it must stay light for
// --help), attributes.ts parses them.

export type AltNameFlag = "dns" | "ip" | "email" | "uri" | "san";
export const ALT_NAME_FLAGS: readonly AltNameFlag[] = ["dns", "ip", "email", "uri", "san"];
