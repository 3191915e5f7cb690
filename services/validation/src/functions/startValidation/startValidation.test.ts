import 'aws-sdk-client-mock-vitest/extend';
import { describe, expect, it } from 'vitest';
import {
  CreateDatabaseCommand,
  CreateDataQualityRulesetCommand,
  AlreadyExistsException,
  CreateTableCommand,
  EntityNotFoundException,
  GetDatabaseCommand,
  GetDataQualityRulesetCommand,
  GlueServiceException,
  StartDataQualityRulesetEvaluationRunCommand,
} from '@aws-sdk/client-glue';
import { GetObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { POLLING, ValidationStateSchema } from '@mlops/core';
import {
  ARTIFACTS,
  LONG_PIPELINE,
  runState,
  sampleConfig,
  serveRunConfig,
  testDeps,
  TEST_ENV,
} from '@mlops/lambda-kit/testing';
import { startValidation } from './startValidation';

const notFound = (what: string) =>
  new EntityNotFoundException({ message: `${what} not found`, $metadata: { httpStatusCode: 400 } });

async function validate(
  options: { pipeline?: string; env?: Record<string, string | undefined>; existing?: boolean; header?: string[] } = {},
) {
  const t = testDeps({ env: options.env });
  const state = runState({ pipeline: options.pipeline });
  const config = await sampleConfig('attrition', options.pipeline);
  const header = options.header ?? Object.keys(config.dataset.columns);
  const input = `s3://${ARTIFACTS}/runs/${state.pipeline}/${state.runId}/input/hr-2026-03.csv`;
  serveRunConfig(t.mocks.s3, state, config, { [input]: `${header.join(',')}\n${header.map(() => '1').join(',')}\n` });
  if (options.existing) {
    t.mocks.glue.on(GetDatabaseCommand).resolves({ Database: { Name: 'mlops_dev' } });
    t.mocks.glue.on(GetDataQualityRulesetCommand).resolves({ Name: 'existing' });
  } else {
    t.mocks.glue.on(GetDatabaseCommand).rejects(notFound('Database'));
    t.mocks.glue.on(GetDataQualityRulesetCommand).rejects(notFound('Ruleset'));
  }
  t.mocks.glue
    .on(StartDataQualityRulesetEvaluationRunCommand)
    .resolves({ RunId: 'dqrun-7c1f3e0b5a92d4e6f8a1b3c5d7e9f0a2' });
  return { ...t, state };
}

describe('startValidation', () => {
  it('creates what is missing (database, table, ruleset), then starts the evaluation run', async () => {
    // Prepare
    const { deps, sent, state } = await validate();

    // Act
    const result = await startValidation(state, deps);

    // Assess
    expect(sent().map((c) => c.command)).toEqual([
      'GetObjectCommand',
      'GetDatabaseCommand',
      'CreateDatabaseCommand',
      'GetObjectCommand',
      'CreateTableCommand',
      'GetDataQualityRulesetCommand',
      'CreateDataQualityRulesetCommand',
      'StartDataQualityRulesetEvaluationRunCommand',
    ]);
    expect(ValidationStateSchema.parse(result)).toEqual({
      status: 'RUNNING',
      rulesetName: expect.stringMatching(/^mlops-attrition-[0-9a-f]{12}$/),
      evaluationRunId: 'dqrun-7c1f3e0b5a92d4e6f8a1b3c5d7e9f0a2',
      attempt: 0,
      waitSeconds: POLLING.glue.base,
    });
  });

  it('reuses the stage database and an unchanged ruleset', async () => {
    // Prepare
    const { deps, mocks, state } = await validate({ existing: true });

    // Act
    await startValidation(state, deps);

    // Assess
    expect(mocks.glue).toHaveReceivedCommandWith(GetDatabaseCommand, { Name: 'mlops_dev' });
    expect(mocks.glue).not.toHaveReceivedCommand(CreateDatabaseCommand);
    expect(mocks.glue).not.toHaveReceivedCommand(CreateDataQualityRulesetCommand);
    expect(mocks.glue).toHaveReceivedCommandOnce(StartDataQualityRulesetEvaluationRunCommand);
  });

  it("catalogs the run's frozen input with the pipeline's declared columns", async () => {
    // Prepare
    const { deps, mocks, state } = await validate();

    // Act
    await startValidation(state, deps);

    // Assess
    const { DatabaseName, TableInput } = mocks.glue.commandCalls(CreateTableCommand)[0]!.args[0].input;
    expect(DatabaseName).toBe('mlops_dev');
    expect(TableInput?.Name).toMatch(/^attrition_input_[0-9a-f]{10}$/);
    expect(TableInput?.StorageDescriptor?.Location).toBe(`s3://${ARTIFACTS}/runs/attrition/${state.runId}/input/`);
    expect(TableInput?.StorageDescriptor?.Columns).toHaveLength(35);
    expect(TableInput?.StorageDescriptor?.Columns).toContainEqual({ Name: 'Age', Type: 'bigint' });
    expect(TableInput?.StorageDescriptor?.Columns).toContainEqual({ Name: 'Attrition', Type: 'string' });
    expect(TableInput?.Parameters).toMatchObject({ classification: 'csv', 'skip.header.line.count': '1' });
  });

  it("reads only the input's first 64 KiB, for its header", async () => {
    // Prepare
    const { deps, mocks, state } = await validate();

    // Act
    await startValidation(state, deps);

    // Assess
    expect(mocks.s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: ARTIFACTS,
      Key: `runs/attrition/${state.runId}/input/hr-2026-03.csv`,
      Range: 'bytes=0-65535',
    });
  });

  it('declares the columns in the order of the file, extra ones as strings, as Glue reads CSV fields by position', async () => {
    // Prepare
    const declared = Object.keys((await sampleConfig()).dataset.columns);
    const header = ['Notes', ...[...declared].reverse()];
    const { deps, mocks, state } = await validate({ header });

    // Act
    await startValidation(state, deps);

    // Assess
    const columns = mocks.glue.commandCalls(CreateTableCommand)[0]!.args[0].input.TableInput?.StorageDescriptor?.Columns;
    expect(columns?.map((c) => c.Name)).toEqual(header);
    expect(columns?.[0]).toEqual({ Name: 'Notes', Type: 'string' });
    expect(columns).toContainEqual({ Name: 'Age', Type: 'bigint' });
  });

  it('declares the configured columns when the file is empty (S3 refuses a range over zero bytes)', async () => {
    // Prepare
    const { deps, mocks, state } = await validate();
    mocks.s3
      .on(GetObjectCommand, { Key: `runs/attrition/${state.runId}/input/hr-2026-03.csv` })
      .rejects(new S3ServiceException({ name: 'InvalidRange', $fault: 'client', message: 'range', $metadata: {} }));

    // Act
    await startValidation(state, deps);

    // Assess
    const columns = mocks.glue.commandCalls(CreateTableCommand)[0]!.args[0].input.TableInput?.StorageDescriptor?.Columns;
    expect(columns?.map((c) => c.Name)).toEqual(Object.keys((await sampleConfig()).dataset.columns));
  });

  it("registers the built-in checks and the pipeline's DQDL rules against that table", async () => {
    // Prepare
    const { deps, mocks, state } = await validate();

    // Act
    const result = await startValidation(state, deps);

    // Assess
    const table = mocks.glue.commandCalls(CreateTableCommand)[0]!.args[0].input.TableInput?.Name;
    const ruleset = mocks.glue.commandCalls(CreateDataQualityRulesetCommand)[0]!.args[0].input;
    expect(ruleset).toMatchObject({
      Name: result.rulesetName,
      TargetTable: { DatabaseName: 'mlops_dev', TableName: table },
    });
    expect(ruleset.Ruleset).toMatch(/^Rules = \[/);
    expect(ruleset.Ruleset).toContain('IsUnique "EmployeeNumber"');
    expect(ruleset.Ruleset).toContain('DistinctValuesCount "JobRole" >= 3');
  });

  it('runs the evaluation with the Glue role, idempotently per run, results kept under the run', async () => {
    // Prepare
    const { deps, mocks, state } = await validate();

    // Act
    const result = await startValidation(state, deps);

    // Assess
    const table = mocks.glue.commandCalls(CreateTableCommand)[0]!.args[0].input.TableInput?.Name;
    expect(mocks.glue).toHaveReceivedCommandExactlyOnceWith(StartDataQualityRulesetEvaluationRunCommand, {
      DataSource: { GlueTable: { DatabaseName: 'mlops_dev', TableName: table } },
      Role: TEST_ENV.GLUE_ROLE_ARN,
      RulesetNames: [result.rulesetName],
      ClientToken: state.runId,
      AdditionalRunOptions: {
        CloudWatchMetricsEnabled: true,
        ResultsS3Prefix: `s3://${ARTIFACTS}/runs/attrition/${state.runId}/validation/glue/`,
      },
    });
  });

  it('uses the database the stage names, when it names one', async () => {
    // Prepare
    const { deps, mocks, state } = await validate({ env: { GLUE_DATABASE: 'analytics_ml' } });

    // Act
    await startValidation(state, deps);

    // Assess
    expect(mocks.glue).toHaveReceivedCommandWith(CreateDatabaseCommand, {
      DatabaseInput: expect.objectContaining({ Name: 'analytics_ml' }),
    });
    expect(mocks.glue).toHaveReceivedCommandWith(CreateTableCommand, { DatabaseName: 'analytics_ml' });
  });

  it('stops on any Glue error other than not-found, before starting a run', async () => {
    // Prepare
    const { deps, mocks, state } = await validate();
    mocks.glue
      .on(GetDatabaseCommand)
      .rejects(
        new GlueServiceException({ name: 'AccessDeniedException', $fault: 'client', message: 'denied', $metadata: {} }),
      );

    // Act
    const result = startValidation(state, deps);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(mocks.glue).not.toHaveReceivedCommand(StartDataQualityRulesetEvaluationRunCommand);
  });

  it('builds Glue names within their limits for a 31-character pipeline name', async () => {
    // Prepare
    const { deps, mocks, state } = await validate({ pipeline: LONG_PIPELINE });

    // Act
    const result = await startValidation(state, deps);

    // Assess
    const table = mocks.glue.commandCalls(CreateTableCommand)[0]!.args[0].input.TableInput?.Name ?? '';
    expect(table).toMatch(/^[a-z0-9_]{1,255}$/);
    expect(result.rulesetName.length).toBeLessThanOrEqual(255);
    expect(result.rulesetName.startsWith(`mlops-${LONG_PIPELINE}-`)).toBe(true);
  });

  it('is safe to retry: a table left by the first attempt is reused and the run still starts', async () => {
    // Prepare
    const { deps, mocks, state } = await validate({ existing: true });
    mocks.glue.on(CreateTableCommand).rejects(new AlreadyExistsException({ message: 'Table already exists.', $metadata: { httpStatusCode: 400 } }));

    // Act
    const result = await startValidation(state, deps);

    // Assess
    expect(result.status).toBe('RUNNING');
    expect(mocks.glue).toHaveReceivedCommand(StartDataQualityRulesetEvaluationRunCommand);
  });

  it('reuses the content-named ruleset a concurrent run registered between Get and Create', async () => {
    // Prepare
    const { deps, mocks, state } = await validate();
    mocks.glue
      .on(CreateDataQualityRulesetCommand)
      .rejects(new AlreadyExistsException({ message: 'ruleset already exists.', $metadata: { httpStatusCode: 400 } }));

    // Act
    const result = await startValidation(state, deps);

    // Assess
    expect(result.status).toBe('RUNNING');
    expect(mocks.glue).toHaveReceivedCommandWith(StartDataQualityRulesetEvaluationRunCommand, { RulesetNames: [result.rulesetName] });
  });
});
