import { GetObjectCommand } from '@aws-sdk/client-s3';
import { layout, type PipelineConfig, type RunState } from '@mlops/core';
import { readCsvHeader, type CsvInput } from '@mlops/data-quality';
import type { Deps } from '@mlops/lambda-kit';

/** Bytes read for the header: far more than any header, far less than a dataset. */
export const HEADER_BYTES = 65_536;

/** The key of the run's frozen input (StartRun copies the dataset version under the run, keeping its file name). */
export function runInputKey(state: RunState): string {
  return `${layout.runInput(state.pipeline, state.runId)}${state.dataset.key.split('/').pop() as string}`;
}

/**
 * The header of the run's frozen input, from its first 64 KiB (a ranged GET: the dataset itself is never read in
 * Lambda). Undefined for an empty file or a first record that cannot be read; the evaluation reports why.
 */
export async function inputHeader(state: RunState, deps: Deps): Promise<string[] | undefined> {
  const Bucket = deps.env.need('ARTIFACTS_BUCKET');
  try {
    const out = await deps.clients.s3.send(
      new GetObjectCommand({ Bucket, Key: runInputKey(state), Range: `bytes=0-${HEADER_BYTES - 1}` }),
    );
    return out.Body ? await readCsvHeader(out.Body as CsvInput) : undefined;
  } catch (error) {
    // S3 answers 416 InvalidRange for a range over an empty object.
    if ((error as Error).name === 'InvalidRange') return undefined;
    throw error;
  }
}

/**
 * The header as the dataset's columns, when it is one: every name distinct and non-blank, and at least one declared
 * column (otherwise the first line is data, or the header is broken, and the built-in checks say so).
 */
export function usableHeader(header: string[] | undefined, config: PipelineConfig): string[] | undefined {
  if (!header) return undefined;
  const declared = config.dataset.columns;
  const distinct = new Set(header).size === header.length && header.every((name) => name.trim() !== '');
  return distinct && header.some((name) => name in declared) ? header : undefined;
}
