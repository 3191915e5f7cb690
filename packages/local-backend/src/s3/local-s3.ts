/** LocalS3: S3 over a folder, behind the SDK's `send(command)`. */
import { LocalService } from '../service';
import type { SdkCommandLike } from '../service';
import {
  createBucket,
  deleteBucket,
  getBucketVersioning,
  headBucket,
  listBuckets,
  putBucketVersioning,
} from './buckets';
import type { CommandOutput } from './command-output';
import { listObjectVersions, listObjectsV2 } from './list';
import { copyObject, deleteObject, deleteObjects, getObject, headObject, putObject } from './objects';
import type { S3Context, S3Faults } from './objects';
import { ObjectStore } from './store';
import { downloadPrefix, localPathOf, moveFileIn, putFile, uploadDir } from './transfer';
import type { WrittenBody } from './body';

export interface LocalS3Options {
  /** The folder holding every bucket (created on demand). */
  root: string;
  /** Fault injection for reliability tests; also settable later through `faults`. */
  faults?: S3Faults;
}

/**
 * S3 over a folder: buckets, versioning, objects (streamed, atomic writes), listings, copies, deletes.
 *
 * @example
 *   const s3 = new LocalS3({ root: '.work/cloud/s3' });
 *   await s3.send(new CreateBucketCommand({ Bucket: 'data' }));
 *   await s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'a/b.csv', Body: 'x,y\n' }));
 *   const text = await (await s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'a/b.csv' }))).Body?.transformToString();
 */
export class LocalS3 extends LocalService {
  readonly serviceName = 's3';
  readonly root: string;
  /** Hooks called before every write; replace at any time. */
  faults: S3Faults;
  private readonly store: ObjectStore;

  constructor(options: LocalS3Options) {
    super();
    this.root = options.root;
    this.faults = options.faults ?? {};
    this.store = new ObjectStore(options.root);
  }

  private get context(): S3Context {
    return { store: this.store, faults: this.faults };
  }

  protected readonly operations = {
    CreateBucket: (input: never) => createBucket(this.context, input),
    HeadBucket: (input: never) => headBucket(this.context, input),
    DeleteBucket: (input: never) => deleteBucket(this.context, input),
    ListBuckets: () => listBuckets(this.context),
    PutBucketVersioning: (input: never) => putBucketVersioning(this.context, input),
    GetBucketVersioning: (input: never) => getBucketVersioning(this.context, input),
    PutObject: (input: never) => putObject(this.context, input),
    GetObject: (input: never) => getObject(this.context, input),
    HeadObject: (input: never) => headObject(this.context, input),
    CopyObject: (input: never) => copyObject(this.context, input),
    DeleteObject: (input: never) => deleteObject(this.context, input),
    DeleteObjects: (input: never) => deleteObjects(this.context, input),
    ListObjectsV2: (input: never) => listObjectsV2(this.store, input),
    ListObjectVersions: (input: never) => listObjectVersions(this.store, input),
  };

  /** Like the SDK client's `send`, typed by the command: `send(new GetObjectCommand(…))` gives `GetObjectCommandOutput`. */
  override send<C extends SdkCommandLike>(command: C): Promise<CommandOutput<C>> {
    return super.send(command) as Promise<CommandOutput<C>>;
  }

  /** File path of the current version's bytes (read-only; unlinked when the key is overwritten or deleted). */
  localPathOf(bucket: string, key: string): Promise<string> {
    return localPathOf(this.context, bucket, key);
  }

  /** Uploads a local file as `bucket/key`. */
  putFile(
    bucket: string,
    key: string,
    path: string,
    options?: { contentType?: string; metadata?: Record<string, string> },
  ): Promise<{ ETag?: string; VersionId?: string }> {
    return putFile(this.context, bucket, key, path, options);
  }

  /** Moves a file already hashed by its writer into `bucket/key` (see transfer.ts `moveFileIn`). */
  moveFileIn(bucket: string, key: string, path: string, written: WrittenBody): Promise<{ ETag?: string; VersionId?: string }> {
    return moveFileIn(this.context, bucket, key, path, written);
  }

  /** Copies the objects under `prefix` into `dir` (SageMaker S3Prefix style paths); returns the files written. */
  downloadPrefix(bucket: string, prefix: string, dir: string): Promise<string[]> {
    return downloadPrefix(this.context, bucket, prefix, dir);
  }

  /** Uploads every file under `dir` as `prefix/<relative path>`; returns the keys written. */
  uploadDir(dir: string, bucket: string, prefix: string): Promise<string[]> {
    return uploadDir(this.context, dir, bucket, prefix);
  }
}
