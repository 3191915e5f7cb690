/**
 * The shape every local service shares with an AWS SDK v3 client: `send(command)`.
 * Commands are the SDK's own command objects; a local service dispatches on the command's class name
 * (`PutObjectCommand` → `PutObject`) and reads `command.input`, so handler code cannot tell the difference.
 */
export interface SdkCommandLike {
  readonly input: unknown;
}

export type OperationHandler = (input: never) => Promise<unknown>;

/** An error shaped like the SDK's service exceptions: `name` is the AWS error code. */
export class LocalServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number; requestId: string; attempts: number; totalRetryDelay: number };
  readonly Code: string;

  constructor(code: string, message: string, options: { status?: number; fault?: 'client' | 'server' } = {}) {
    super(message);
    this.name = code;
    this.Code = code;
    const status = options.status ?? 400;
    this.$fault = options.fault ?? (status >= 500 ? 'server' : 'client');
    this.$metadata = { httpStatusCode: status, requestId: 'local', attempts: 1, totalRetryDelay: 0 };
  }
}

/** Operation name from an SDK command object (`GetObjectCommand` → `GetObject`). */
export function operationName(command: SdkCommandLike): string {
  return command.constructor.name.replace(/Command$/, '');
}

/**
 * Base for local services: subclasses register one async function per operation they implement.
 * Unsupported operations fail loudly with the operation's name, never silently.
 */
export abstract class LocalService {
  abstract readonly serviceName: string;
  protected abstract readonly operations: Record<string, (input: never) => Promise<unknown>>;

  async send(command: SdkCommandLike): Promise<unknown> {
    const name = operationName(command);
    const operation = this.operations[name];
    if (operation === undefined) {
      throw new LocalServiceError(
        'UnsupportedOperation',
        `the local ${this.serviceName} backend does not implement ${name}; supported: ${Object.keys(this.operations).join(', ')}`,
      );
    }
    const output = (await operation(command.input as never)) as Record<string, unknown>;
    return { $metadata: { httpStatusCode: 200, requestId: 'local', attempts: 1, totalRetryDelay: 0 }, ...output };
  }
}
