import {
  CreateModelCommand,
  CreateTransformJobCommand,
  DescribeHyperParameterTuningJobCommand,
  DescribeModelPackageCommand,
  DescribeTrainingJobCommand,
  ListModelPackagesCommand,
} from '@aws-sdk/client-sagemaker';
import * as z from 'zod/mini';
import {
  InputError,
  jobName,
  JobRefSchema,
  layout,
  nextWait,
  POLLING,
  RunStateSchema,
  s3Uri,
  type RunState,
} from '@mlops/core';
import { jobNetwork, modelRequest, outputColumnCount, runConfig, transformRequest, type Deps } from '@mlops/lambda-kit';

export const StartScoringEvent = z.extend(RunStateSchema, { tuning: JobRefSchema });
export type StartScoringEvent = z.infer<typeof StartScoringEvent>;

/** The model package group of a pipeline (≤ 63 characters). */
export function modelPackageGroupName(project: string, pipeline: string): string {
  return `${project}-${pipeline}`.slice(0, 63);
}

async function bestCandidate(state: StartScoringEvent, deps: Deps) {
  const { sagemaker } = deps.clients;
  const tuningJobName = state.tuning.names[0] as string;
  const tuning = await sagemaker.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: tuningJobName }));
  const best = tuning.BestTrainingJob?.TrainingJobName;
  if (!best) throw new InputError(`tuning job ${tuningJobName} has no best training job`);
  const job = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: best }));
  const modelDataUrl = job.ModelArtifacts?.S3ModelArtifacts;
  if (!modelDataUrl) throw new InputError(`training job ${best} has no model artifact`);
  return {
    trainingJobName: best,
    modelDataUrl,
    hyperparameters: job.HyperParameters ?? {},
    objective: tuning.BestTrainingJob?.FinalHyperParameterTuningJobObjectiveMetric?.Value ?? null,
  };
}

/** The champion: the newest Approved package of the pipeline's group, if any. */
export async function findChampion(deps: Deps, group: string) {
  const { sagemaker } = deps.clients;
  const list = await sagemaker.send(
    new ListModelPackagesCommand({
      ModelPackageGroupName: group,
      ModelApprovalStatus: 'Approved',
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
      MaxResults: 1,
    }),
  );
  const arn = list.ModelPackageSummaryList?.[0]?.ModelPackageArn;
  if (!arn) return null;
  const pkg = await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn }));
  const container = pkg.InferenceSpecification?.Containers?.[0];
  if (!container?.ModelDataUrl || !container.Image) throw new InputError(`champion ${arn} has no inference container`);
  return { modelPackageArn: arn, version: pkg.ModelPackageVersion ?? 0, image: container.Image, modelDataUrl: container.ModelDataUrl };
}

/**
 * Score the best trial and the champion on the same held-out rows: one model and one batch transform each over the
 * prepared test and validation files. The training container's own report is never used as evidence.
 */
export async function startScoring(state: StartScoringEvent, deps: Deps) {
  const { clients, env, logger } = deps;
  const config = await runConfig(state as RunState, deps);
  const artifacts = env.need('ARTIFACTS_BUCKET');
  const roleArn = env.need('SAGEMAKER_ROLE_ARN');
  const kmsKeyId = env.get('KMS_KEY_ARN');
  const candidate = await bestCandidate(state, deps);
  const champion = await findChampion(deps, modelPackageGroupName(env.project, state.pipeline));
  const inputUri = s3Uri(artifacts, `${layout.prepared(state.pipeline, state.runId)}transform/eval/`);
  const outputs = { candidate: layout.scoring(state.pipeline, state.runId, 'candidate'), champion: champion ? layout.scoring(state.pipeline, state.runId, 'champion') : null };

  const contenders = [
    { who: 'cand', image: env.imageUri(config.container.image), modelDataUrl: candidate.modelDataUrl, version: 'candidate', output: outputs.candidate },
    ...(champion ? [{ who: 'champ', image: champion.image, modelDataUrl: champion.modelDataUrl, version: String(champion.version), output: outputs.champion as string }] : []),
  ];
  const started = [];
  for (const c of contenders) {
    const modelName = jobName({ project: env.project, pipeline: state.pipeline, kind: `${c.who}-model`, runId: state.runId });
    await clients.sagemaker.send(
      new CreateModelCommand(
        modelRequest({
          name: modelName,
          image: c.image,
          modelDataUrl: c.modelDataUrl,
          roleArn,
          environment: { MODEL_VERSION: c.version, RUN_ID: state.runId, OPERATING_THRESHOLD: '0.5', TOP_K: '0' },
          network: jobNetwork(config, env),
          state,
        }),
      ),
    );
    const name = jobName({ project: env.project, pipeline: state.pipeline, kind: `${c.who}-score`, runId: state.runId });
    await clients.sagemaker.send(
      new CreateTransformJobCommand(
        transformRequest({
          name,
          modelName,
          inputUri,
          outputUri: s3Uri(artifacts, c.output),
          instanceType: config.container.instanceType,
          outputColumns: outputColumnCount(0),
          kmsKeyId,
          state,
        }),
      ),
    );
    started.push({ name, modelName });
  }
  logger.info('scoring started', { candidate: candidate.trainingJobName, champion: champion?.modelPackageArn ?? null });
  return {
    kind: 'transform' as const,
    names: started.map((s) => s.name),
    status: 'InProgress' as const,
    attempt: 0,
    waitSeconds: nextWait(0, POLLING.transform),
    candidate: { ...candidate, modelName: started[0]?.modelName as string, image: contenders[0]?.image as string },
    champion: champion ? { ...champion, modelName: started[1]?.modelName as string } : null,
    outputs,
  };
}
