// Read a declarative file: certctl's own format, or the Infisical agent's (converted in memory),
// checked against the published schema. Sends nothing; touches no file but the one it reads.
import { readConfigSource, type ConfigSource } from "./source.js";
import { convertAgentConfig, isAgentConfig } from "./agent.js";
import { validateCertctlFile } from "./validate.js";
import type { CertctlFile } from "./types.js";

export interface LoadedConfig {
  /** The file as certctl reads it (for an agent file, the converted form). */
  file: CertctlFile;
  /** Line numbers and names for messages; for an agent file, the agent's entries' lines. */
  source: ConfigSource;
  /** Set when the file was the agent's format: what the conversion left out. */
  agent?: { notes: string[] };
}

export async function loadConfig(path: string): Promise<LoadedConfig> {
  return fromSource(await readConfigSource(path));
}

export function fromSource(source: ConfigSource): LoadedConfig {
  if (!isAgentConfig(source.data)) return { file: validateCertctlFile(source), source };
  const { file, notes } = convertAgentConfig(source);
  // The converted entries are checked like a certctl file; a problem points at the agent entry it came from.
  const converted: ConfigSource = { ...source, data: file, lineOf: (at) => source.lineOf(at.slice(0, 2)) };
  return { file: validateCertctlFile(converted), source: converted, agent: { notes } };
}
