export { LocalS3 } from './local-s3';
export type { LocalS3Options } from './local-s3';
export type { S3Faults } from './objects';
export type { CommandOutput } from './command-output';
export { encodeSegment, decodeSegment, compareKeys } from './keys';
