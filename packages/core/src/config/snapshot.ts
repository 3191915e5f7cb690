import { ConfigError } from '../errors';
import { sha256Hex } from '../naming';
import type { PipelineConfig } from './schema';

/**
 * A run's frozen pipeline config. StartRun validates the deployed config once (the full schema) and writes the
 * result, defaults filled in, with its SHA-256 in `$.run`; every later task reads it through `trustSnapshot`, which
 * checks the hash instead of parsing the schema again: the schema and its zod code stay out of those bundles
 * (issue 8's 100 KiB budget), and a snapshot changed after StartRun is refused.
 */
export interface ConfigSnapshot {
  body: string;
  sha256: string;
}

/** The snapshot of a config `parsePipelineConfig` returned. */
export function configSnapshot(config: PipelineConfig): ConfigSnapshot {
  const body = JSON.stringify(config, null, 2);
  return { body, sha256: sha256Hex(body) };
}

/** The config of a snapshot whose bytes still hash to what StartRun recorded; a ConfigError otherwise. */
export function trustSnapshot(body: string, sha256: string | undefined, where: string): PipelineConfig {
  if (sha256 === undefined) throw new ConfigError(`${where}: the run state records no config hash (a run started before config snapshots)`);
  const actual = sha256Hex(body);
  if (actual !== sha256) {
    throw new ConfigError(`${where} changed after StartRun validated it (SHA-256 ${actual.slice(0, 12)}…, expected ${sha256.slice(0, 12)}…)`);
  }
  return JSON.parse(body) as PipelineConfig;
}
