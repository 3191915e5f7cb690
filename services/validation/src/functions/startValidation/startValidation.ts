import {
  CreateDatabaseCommand,
  CreateDataQualityRulesetCommand,
  CreateTableCommand,
  GetDatabaseCommand,
  GetDataQualityRulesetCommand,
  StartDataQualityRulesetEvaluationRunCommand,
} from '@aws-sdk/client-glue';
import { builtinRulesAsDqdl, mergeRulesets } from '@mlops/data-quality';
import { layout, nextWait, POLLING, RunStateSchema, s3Uri, shortHash, type RunState, type ValidationState } from '@mlops/core';
import { runConfig, type Deps } from '@mlops/lambda-kit';
import { inputHeader, usableHeader } from '../../lib/inputHeader';
import { datasetTable, glueName } from './glueTable';

export const StartValidationEvent = RunStateSchema;

const isNotFound = (error: unknown) => (error as Error).name === 'EntityNotFoundException';

async function ensureDatabase(deps: Deps, name: string): Promise<void> {
  try {
    await deps.clients.glue.send(new GetDatabaseCommand({ Name: name }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await deps.clients.glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: name, Description: 'MLOps pipeline datasets and predictions' } }));
  }
}

async function ensureRuleset(deps: Deps, name: string, ruleset: string, database: string, table: string): Promise<void> {
  try {
    await deps.clients.glue.send(new GetDataQualityRulesetCommand({ Name: name }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    try {
      await deps.clients.glue.send(
        new CreateDataQualityRulesetCommand({
          Name: name,
          Ruleset: ruleset,
          Description: 'Built-in schema checks and the pipeline rules',
          TargetTable: { DatabaseName: database, TableName: table },
        }),
      );
    } catch (createError) {
      // A concurrent run registered the same content-named ruleset between our Get and Create: same rules, reuse it.
      if ((createError as Error).name !== 'AlreadyExistsException') throw createError;
    }
  }
}

/**
 * Evaluate the dataset with Glue Data Quality: a catalog table over the run's frozen input, the pipeline's ruleset
 * (built-in schema checks + its DQDL rules, named by content so an unchanged ruleset is reused), and a ruleset
 * evaluation run that CheckValidation waits for.
 */
export async function startValidation(state: RunState, deps: Deps): Promise<ValidationState> {
  const { clients, env, logger } = deps;
  const config = await runConfig(state, deps);
  const artifacts = env.need('ARTIFACTS_BUCKET');
  const database = env.get('GLUE_DATABASE') ?? glueName(`${env.project}_${env.stage}`);
  await ensureDatabase(deps, database);

  const table = glueName(`${state.pipeline}_input_${shortHash(state.runId, 10)}`);
  const header = usableHeader(await inputHeader(state, deps), config);
  const location = s3Uri(artifacts, layout.runInput(state.pipeline, state.runId));
  const tableInput = datasetTable(table, config, location, s3Uri(artifacts, state.run.configKey), header);
  try {
    await clients.glue.send(new CreateTableCommand({ DatabaseName: database, TableInput: tableInput }));
  } catch (error) {
    // A retried invocation finds the table it created the first time: same run, same definition.
    if ((error as Error).name !== 'AlreadyExistsException') throw error;
  }
  const ruleset = mergeRulesets(builtinRulesAsDqdl(config), config.validation.rules ?? 'Rules = [ ]');
  const rulesetName = `${env.project}-${state.pipeline}-${shortHash(ruleset, 12)}`;
  await ensureRuleset(deps, rulesetName, ruleset, database, table);

  const run = await clients.glue.send(
    new StartDataQualityRulesetEvaluationRunCommand({
      DataSource: { GlueTable: { DatabaseName: database, TableName: table } },
      Role: env.need('GLUE_ROLE_ARN'),
      NumberOfWorkers: 2,
      Timeout: 60,
      RulesetNames: [rulesetName],
      ClientToken: state.runId,
      AdditionalRunOptions: {
        CloudWatchMetricsEnabled: true,
        ResultsS3Prefix: s3Uri(artifacts, `${layout.runPrefix(state.pipeline, state.runId)}validation/glue/`),
      },
    }),
  );
  logger.info('validation started', { rulesetName, table, runId: run.RunId });
  return {
    status: 'RUNNING',
    rulesetName,
    evaluationRunId: run.RunId as string,
    attempt: 0,
    waitSeconds: nextWait(0, POLLING.glue),
  };
}
