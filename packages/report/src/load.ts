import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Parser, type ReadEntry } from 'tar';
import { getJsonIfExists } from '@mlops/clients';
import { parseS3Uri } from '@mlops/core';
import { ValidationReportSchema } from '@mlops/data-quality';
import { EvidenceSchema, ModelSummarySchema, type ModelSummary, type RunRecord, type RunReportInput } from './types';

type S3 = Pick<S3Client, 'send'>;

/** One file of a (gzipped) tar archive held in memory, or undefined when the archive has no such file. */
export function fileInTar(archive: Uint8Array, name: string): Promise<Buffer | undefined> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let found = false;
    const parser = new Parser({
      filter: (path) => path.replace(/^\.\//, '') === name,
      onReadEntry: (entry: ReadEntry) => {
        found = true;
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      },
    });
    parser.on('error', reject);
    parser.on('end', () => resolvePromise(found ? Buffer.concat(chunks) : undefined));
    parser.end(Buffer.from(archive));
  });
}

/** The candidate's model.json, read from its model.tar.gz (SageMaker's model artifact), or null. */
export async function loadModel(s3: S3, modelDataUrl: string | undefined): Promise<ModelSummary | null> {
  if (!modelDataUrl) return null;
  const { bucket, key } = parseS3Uri(modelDataUrl);
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })).catch((error: { name?: string }) => {
    if (error.name === 'NoSuchKey') return undefined;
    throw error;
  });
  if (!out?.Body) return null;
  const json = await fileInTar(await out.Body.transformToByteArray(), 'model.json');
  return json ? ModelSummarySchema.parse(JSON.parse(json.toString('utf8'))) : null;
}

/**
 * Everything a run report needs, read from the artifacts bucket the run record points into (works against AWS S3
 * and the local backend alike): the validation report, the evaluation evidence and the candidate's model.
 * @example const input = await loadRunReportInput(s3, 'my-artifacts', record)
 */
export async function loadRunReportInput(s3: S3, bucket: string, record: RunRecord): Promise<RunReportInput> {
  const reportKey = record.validation?.reportKey;
  const evidenceKey = record.evaluation?.evidenceKey;
  const [validation, evidence, model] = await Promise.all([
    reportKey ? getJsonIfExists<unknown>(s3, bucket, reportKey) : undefined,
    evidenceKey ? getJsonIfExists<unknown>(s3, bucket, evidenceKey) : undefined,
    loadModel(s3, record.scoring?.candidate?.modelDataUrl),
  ]);
  return {
    record,
    validation: validation === undefined ? null : ValidationReportSchema.parse(validation),
    evidence: evidence === undefined ? null : EvidenceSchema.parse(evidence),
    trials: record.tuning?.trials ?? [],
    model,
    artifactsBucket: bucket,
  };
}
