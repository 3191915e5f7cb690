/** S3 errors shaped like the SDK's (`name` = the S3 error code, HTTP status in `$metadata`). */
import { LocalServiceError } from '../service';

const error = (code: string, status: number, message: string) => new LocalServiceError(code, message, { status });

export const S3Errors = {
  noSuchBucket: (bucket: string) => error('NoSuchBucket', 404, `The specified bucket does not exist: ${bucket}`),
  /** HEAD requests carry no body, so the SDK can only name them by status: `NotFound`. */
  notFound: (what: string) => error('NotFound', 404, `Not Found: ${what}`),
  noSuchKey: (bucket: string, key: string) =>
    error('NoSuchKey', 404, `The specified key does not exist: s3://${bucket}/${key}`),
  noSuchVersion: (key: string, versionId: string) =>
    error('NoSuchVersion', 404, `The specified version ${versionId} of ${key} does not exist`),
  bucketExists: (bucket: string) =>
    error('BucketAlreadyOwnedByYou', 409, `Your previous request to create the named bucket succeeded: ${bucket}`),
  deleteMarker: (key: string) =>
    error('MethodNotAllowed', 405, `The specified method is not allowed against a delete marker: ${key}`),
  preconditionFailed: (condition: string) =>
    error('PreconditionFailed', 412, `At least one of the pre-conditions you specified did not hold: ${condition}`),
  notModified: () => error('NotModified', 304, 'Not Modified'),
  invalidRange: (range: string, size: number) =>
    error('InvalidRange', 416, `The requested range ${range} is not satisfiable (object size ${size})`),
  invalidArgument: (message: string) => error('InvalidArgument', 400, message),
  invalidRequest: (message: string) => error('InvalidRequest', 400, message),
  badDigest: () => error('BadDigest', 400, 'The Content-MD5 you specified did not match what we received.'),
  incompleteBody: (expected: number, got: number) =>
    error(
      'IncompleteBody',
      400,
      `You did not provide the number of bytes specified by Content-Length (${expected}, got ${got})`,
    ),
  malformed: (message: string) => error('MalformedXML', 400, message),
  metadataTooLarge: () =>
    error('MetadataTooLarge', 400, 'Your metadata headers exceed the maximum allowed size (2 KB).'),
};
