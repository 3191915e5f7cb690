import { parsePipelineConfig, type PipelineConfig, type RunState } from '@mlops/core';
import { getJson } from '@mlops/clients';
import type { Deps } from './index';
import { registerSensitiveColumns } from './redact';

/**
 * The pipeline config frozen for this run by StartRun (never the live one: a config change mid-run must not
 * change a running execution).
 */
export async function runConfig(state: RunState, deps: Pick<Deps, 'clients' | 'env'>): Promise<PipelineConfig> {
  const raw = await getJson(deps.clients.s3, deps.env.need('ARTIFACTS_BUCKET'), state.run.configKey);
  const config = parsePipelineConfig(raw, state.run.configKey);
  registerSensitiveColumns(config.dataset.sensitive ?? []);
  return config;
}
