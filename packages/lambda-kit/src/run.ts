import { trustSnapshot, type PipelineConfig, type RunState } from '@mlops/core';
import { getText } from '@mlops/clients';
import type { Deps } from './index';
import { registerSensitiveColumns } from './redact';

/**
 * The pipeline config frozen for this run by StartRun (never the live one: a config change mid-run must not
 * change a running execution). StartRun validated it; here its SHA-256 is checked against `$.run.configSha256`
 * instead of parsing the schema again (see @mlops/core config/snapshot.ts).
 */
export async function runConfig(state: RunState, deps: Pick<Deps, 'clients' | 'env'>): Promise<PipelineConfig> {
  const body = await getText(deps.clients.s3, deps.env.need('ARTIFACTS_BUCKET'), state.run.configKey);
  const config = trustSnapshot(body, state.run.configSha256, state.run.configKey);
  registerSensitiveColumns(config.dataset.sensitive ?? []);
  return config;
}
