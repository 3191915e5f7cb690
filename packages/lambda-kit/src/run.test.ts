import { describe, expect, it } from 'vitest';
import { ConfigError } from '@mlops/core';
import { ARTIFACTS, runState, sampleConfig, serveObjects, serveRunConfig, testDeps } from './testing';
import { runConfig } from './run';

describe('runConfig', () => {
  it("returns the run's frozen config when its bytes hash to what StartRun recorded", async () => {
    const { deps, mocks } = testDeps();
    const state = runState();
    const config = await sampleConfig();
    serveRunConfig(mocks.s3, state, config);
    expect(await runConfig(state, deps)).toEqual(config);
  });

  it('refuses a snapshot changed after StartRun, and a state without the hash, naming the object', async () => {
    const { deps, mocks } = testDeps();
    const state = runState();
    const config = await sampleConfig();
    serveRunConfig(mocks.s3, state, config);
    const recorded = state.run.configSha256;
    // Same key, other bytes: what a later write to the run's folder would leave.
    serveObjects(mocks.s3, { [`s3://${ARTIFACTS}/${state.run.configKey}`]: { ...config, name: 'other' } });
    await expect(runConfig(state, deps)).rejects.toThrow(ConfigError);
    await expect(runConfig(state, deps)).rejects.toThrow(`${state.run.configKey} changed after StartRun validated it`);
    await expect(runConfig({ ...state, run: { ...state.run, configSha256: undefined } }, deps)).rejects.toThrow(/records no config hash/);
    expect(recorded).toMatch(/^[0-9a-f]{64}$/);
  });
});
