import type { ContainerRunner } from './runner';

/**
 * The part of the local S3 that SageMaker jobs need (implemented by `LocalS3`).
 * Objects are files on disk, so jobs read inputs and write outputs without going through `send()`.
 */
export interface SageMakerS3 {
  /** Path of the file that holds `s3://bucket/key` (read-only); rejects when there is no such key. */
  localPathOf(bucket: string, key: string): Promise<string>;
  /** Store a local file as `s3://bucket/key`. */
  putFile(bucket: string, key: string, path: string): Promise<unknown>;
  /** Store a local file its writer hashed (`md5` hex, `size` bytes) as `s3://bucket/key` by moving it (the file is gone). */
  moveFileIn(bucket: string, key: string, path: string, written: { md5: string; size: number }): Promise<unknown>;
  /** Copy every object under `s3://bucket/prefix` into `dir` (SageMaker S3Prefix paths); the files written, in key order. */
  downloadPrefix(bucket: string, prefix: string, dir: string): Promise<string[]>;
  /** Store every file under `dir` as `s3://bucket/prefix/<relative path>`. */
  uploadDir(dir: string, bucket: string, prefix: string): Promise<unknown>;
}

/**
 * Fault injection for reliability tests. Each fault runs the real failure path in the process runner:
 * a crash kills the real child, a timeout runs a real child that never ends until the runtime limit kills it.
 * @example new LocalSageMaker({ ...options, faults: { trialFailures: (i) => i === 2 } })
 */
export interface SageMakerFaults {
  /** Kill the training job's child with SIGKILL as soon as it has started. */
  trainingCrash?: (jobName: string) => boolean;
  /** Replace the training program by a real child that never ends: `MaxRuntimeInSeconds` then stops it. */
  trainingTimeout?: (jobName: string) => boolean;
  /** Replace the training program by a real child that writes this text to `output/failure` and exits 1. */
  trainingFailureFile?: (jobName: string) => string | undefined;
  /** Crash the tuning trial with this 0-based index (like `trainingCrash`), in any tuning job. */
  trialFailures?: (trialIndex: number) => boolean;
  /** Kill the model server of every transform job once this many records have been answered. */
  transformFailAfterRecords?: number;
}

/** Options of `new LocalSageMaker(...)`. */
export interface LocalSageMakerOptions {
  /** Folder that holds all SageMaker state (JSON) and job folders. */
  root: string;
  /** The local S3 the jobs read from and write to. */
  s3: SageMakerS3;
  region: string;
  accountId: string;
  /** Repository root: images resolve to `<repoRoot>/docker/<image>/src/main.ts`. */
  repoRoot: string;
  /** Multiplies every runtime limit and grace period (0.001 turns an hour into 3.6 s). Default 1. */
  timeScale?: number;
  faults?: SageMakerFaults;
  /** Where image bundles are cached; default `<root>/.images` (tests share one to bundle once). */
  imageCacheDir?: string;
  /** How containers are launched; default: bundled JS run as host processes. */
  runner?: ContainerRunner;
}

/** Identifies the job a container runs for (used by fault hooks and logs). */
export interface JobRef {
  kind: 'training' | 'processing' | 'transform' | 'endpoint';
  name: string;
  /** 0-based index of a tuning trial. */
  trialIndex?: number;
}
