import type { InvokeEndpointCommandInput, InvokeEndpointCommandOutput } from '@aws-sdk/client-sagemaker-runtime';
import { LocalService, LocalServiceError } from '../service';
import { recordGreenError } from './blue-green';
import { readEndpointServer, type EndpointServerInfo } from './endpoints';
import { ResourceStore } from './store';
import { nameRule, patterns, validateRequest, type FieldRule } from './validate';

/** InvokeEndpoint's payload limit (6 MB), as the API enforces it. */
export const MAX_INVOKE_BYTES = 6 * 1024 * 1024;

const rules: FieldRule[] = [
  nameRule('EndpointName'),
  { path: 'Body', required: true },
  { path: 'ContentType', maxLength: 1024, type: 'string', pattern: /^\p{ASCII}*$/u },
  { path: 'Accept', maxLength: 1024, type: 'string', pattern: /^\p{ASCII}*$/u },
  { path: 'TargetVariant', maxLength: 63, type: 'string', pattern: patterns.name },
];

function bodyBytes(body: unknown): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new LocalServiceError('ValidationError', 'Body must be a string or bytes (streams are not supported locally)');
}

/** The fleet a request goes to: green with the probability of its current weight during a blue/green shift. */
function pickFleet(server: EndpointServerInfo, random: () => number): { url: string; green: boolean } {
  if (server.green !== undefined && random() < server.green.weight) return { url: server.green.url, green: true };
  return { url: server.url, green: false };
}

/**
 * SageMaker Runtime on this machine: InvokeEndpoint sends the body to the endpoint's `serve` process (or, during a
 * blue/green update, to the new fleet for its share of requests) and answers like the service: the container's
 * body and content type on 200, `ModelError` with the container's status and message otherwise, `ValidationError`
 * for an endpoint that does not exist or is not InService.
 * @example await cloud.sagemakerRuntime.send(new InvokeEndpointCommand({ EndpointName, ContentType: 'application/json', Body }))
 */
export class LocalSageMakerRuntime extends LocalService {
  readonly serviceName = 'sagemaker-runtime';
  private readonly store: ResourceStore;
  protected readonly operations = { InvokeEndpoint: (input: InvokeEndpointCommandInput) => this.invokeEndpoint(input) };

  constructor(
    private readonly options: { root: string; region: string; accountId: string; random?: () => number },
  ) {
    super();
    this.store = new ResourceStore(options.root);
  }

  private async invokeEndpoint(input: InvokeEndpointCommandInput): Promise<Omit<InvokeEndpointCommandOutput, '$metadata'>> {
    validateRequest(input, rules);
    const body = bodyBytes(input.Body);
    if (body.length > MAX_INVOKE_BYTES) {
      throw new LocalServiceError('ValidationError', `Request body is ${body.length} bytes, over the ${MAX_INVOKE_BYTES}-byte limit of InvokeEndpoint`);
    }
    const name = input.EndpointName as string;
    const notFound = new LocalServiceError('ValidationError', `Endpoint ${name} of account ${this.options.accountId} not found.`);
    const state = await this.store.read<{ EndpointStatus?: string }>('endpoints', name);
    if (state === undefined) throw notFound;
    const server = await readEndpointServer(this.options.root, name);
    if (server === undefined || !['InService', 'Updating'].includes(state.EndpointStatus ?? '')) {
      throw new LocalServiceError('ValidationError', `Endpoint ${name} is not in service (status ${state.EndpointStatus ?? 'unknown'}).`);
    }
    const fleet = pickFleet(server, this.options.random ?? Math.random);
    const contentType = input.ContentType ?? 'application/octet-stream';
    const response = await fetch(`${fleet.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': contentType, accept: input.Accept ?? '*/*' },
      body,
    }).catch((error: unknown) => {
      throw new LocalServiceError('ModelNotReadyException', `Endpoint ${name}: the model server does not answer (${(error as Error).message})`, { status: 424 });
    });
    const answer = Buffer.from(await response.arrayBuffer());
    if (response.status === 200) {
      return { Body: new Uint8Array(answer) as InvokeEndpointCommandOutput['Body'], ContentType: response.headers.get('content-type') ?? undefined, InvokedProductionVariant: 'AllTraffic' };
    }
    const message = answer.toString('utf8').slice(0, 1000);
    if (fleet.green && response.status >= 500) await recordGreenError(this.store.dir('endpoints', name), `${response.status} ${message}`);
    const error = new LocalServiceError(
      'ModelError',
      `Received ${response.status >= 500 ? 'server' : 'client'} error (${response.status}) from primary with message "${message}". See the endpoint's logs.`,
      { status: 424 },
    );
    Object.assign(error, { OriginalStatusCode: response.status, OriginalMessage: message });
    throw error;
  }
}
