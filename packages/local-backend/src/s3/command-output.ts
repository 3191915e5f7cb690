/**
 * The output type of an SDK v3 command object, read structurally from its `resolveMiddleware` handler, so local
 * services can offer a typed `send` without importing any SDK package at run time.
 *
 * @example
 *   const out = await s3.send(new GetObjectCommand({ Bucket, Key })); // out: GetObjectCommandOutput
 */
export type CommandOutput<C> = C extends {
  resolveMiddleware(...args: never[]): (...args: never[]) => Promise<{ output: infer O }>;
}
  ? O
  : unknown;
