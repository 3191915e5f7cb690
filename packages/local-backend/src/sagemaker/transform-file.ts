import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { filterCsvLine, filterJoinedCsvLine, type FieldFilter } from './filters';
import { JobClientError } from './job-files';

/** How one input file is cut, sent and reassembled (from CreateTransformJob). */
export interface TransformPlan {
  url: string;
  contentType: string;
  accept?: string;
  gzip: boolean;
  splitLines: boolean;
  singleRecord: boolean;
  maxPayloadBytes: number;
  csv: boolean;
  inputFilter: FieldFilter;
  /** InputFilter is `$`: records are sent as read. */
  inputIsIdentity?: boolean;
  outputFilter: FieldFilter;
  joinInput: boolean;
  /** Output lines are rebuilt (join and/or OutputFilter); otherwise the answer is written as it came. */
  reshapeOutput: boolean;
  assembleLines: boolean;
  /** Requests in flight at once (MaxConcurrentTransforms; default 1). */
  concurrency?: number;
  /** Called after each answered mini-batch with the running record count (fault injection). */
  onAnswered?: (records: number) => void;
}

/** Raised when the model server fails a request; SageMaker reports it as an `AlgorithmError`. */
export class ModelServerError extends Error {
  override readonly name = 'ModelServerError';
}

interface Batch {
  /** Input records as read (kept only when the output is joined with them). */
  originals: string[];
  /** Records as sent (after InputFilter), each followed by LF, as UTF-8 bytes: the request body. */
  body: Buffer;
  /** Bytes of `body` in use. */
  used: number;
  /** Records in the batch. */
  count: number;
}

function newBatch(plan: TransformPlan): Batch {
  return { originals: [], body: Buffer.allocUnsafe(Math.min(plan.maxPayloadBytes, 1 << 20)), used: 0, count: 0 };
}

/** Appends one record and its LF to the batch's body (written at once, so the record's string dies young). */
function append(batch: Batch, sent: string, size: number): void {
  if (batch.used + size > batch.body.length) {
    const grown = Buffer.allocUnsafe(Math.max(batch.body.length * 2, batch.used + size));
    batch.body.copy(grown, 0, 0, batch.used);
    batch.body = grown;
  }
  batch.used += batch.body.write(sent, batch.used, 'utf8');
  batch.body[batch.used++] = 10;
  batch.count++;
}

/** The output file, hashed as it is written (its MD5 becomes the S3 ETag without a second pass over the bytes). */
interface Output {
  stream: WriteStream;
  md5: Hash;
  size: number;
}

async function write(out: Output, text: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  out.md5.update(bytes);
  out.size += bytes.length;
  if (!out.stream.write(bytes)) await once(out.stream, 'drain');
}

/** What `transformFile` wrote: the records sent, and the output file's MD5 (hex) and size. */
export interface TransformedFile {
  records: number;
  md5: string;
  size: number;
}

async function invoke(plan: TransformPlan, body: Uint8Array): Promise<string> {
  let response: Response;
  try {
    response = await fetch(`${plan.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': plan.contentType, ...(plan.accept === undefined ? {} : { accept: plan.accept }) },
      body,
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new ModelServerError(`the model server stopped answering (${cause})`);
  }
  const text = await response.text();
  if (response.status !== 200) throw new ModelServerError(`the model server answered ${response.status}: ${text.slice(0, 300)}`);
  return text;
}

function linesOf(text: string): string[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
  }
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * The output of one answered batch: the answer as it came, or rebuilt line by line (join and/or OutputFilter) and
 * joined once, so no line outlives the batch's own step.
 */
function assemble(plan: TransformPlan, batch: Batch, answer: string): string {
  if (!plan.reshapeOutput) return plan.assembleLines && !answer.endsWith('\n') ? `${answer}\n` : answer;
  const outputs = linesOf(answer);
  if (plan.joinInput && outputs.length !== batch.count) {
    throw new ModelServerError(`the model returned ${outputs.length} lines for ${batch.count} records, so they cannot be joined with the input`);
  }
  const { select, cut } = plan.outputFilter;
  for (let i = 0; i < outputs.length; i++) {
    const answered = outputs[i] as string;
    // Joining appends the answer's fields to the record's.
    outputs[i] = plan.joinInput ? filterJoinedCsvLine(batch.originals[i] ?? '', answered, select, cut) : filterCsvLine(answered, select, cut);
  }
  if (!plan.assembleLines) return outputs.join('');
  return outputs.length === 0 ? '' : `${outputs.join('\n')}\n`;
}

/**
 * Records of a file, a chunk's worth at a time (one array per 1 MiB read, so the loop does not await per record):
 * split on LF (a CR before it dropped) when SplitType is Line, else the whole file as one record.
 */
async function* recordChunks(file: string, plan: TransformPlan): AsyncIterable<string[]> {
  let input: Readable = createReadStream(file, { highWaterMark: 1 << 20 });
  if (plan.gzip) input = input.pipe(createGunzip());
  input.setEncoding('utf8');
  if (!plan.splitLines) {
    let whole = '';
    for await (const chunk of input) whole += chunk as string;
    yield [whole];
    return;
  }
  let pending = '';
  for await (const chunk of input) {
    const text = pending + (chunk as string);
    const lines: string[] = [];
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      lines.push(nl > from && text.charCodeAt(nl - 1) === 13 ? text.slice(from, nl - 1) : text.slice(from, nl));
      from = nl + 1;
    }
    pending = text.slice(from);
    yield lines;
  }
  if (pending !== '') yield [pending.endsWith('\r') ? pending.slice(0, -1) : pending];
}

/** Sent form of a record: InputFilter applied to its CSV fields (unquoted lines split directly). */
function filtered(plan: TransformPlan, record: string): string {
  return plan.csv && !plan.inputIsIdentity ? filterCsvLine(record, plan.inputFilter.select, plan.inputFilter.cut) : record;
}

/**
 * Transform one input file into `outFile`, streaming: records are read line by line, grouped into mini-batches of
 * at most MaxPayloadInMB (MultiRecord) or sent one by one (SingleRecord), filtered, joined and written in input
 * order as they come. Up to `concurrency` requests are in flight at once (MaxConcurrentTransforms), so cutting and
 * joining records overlaps with the model server's work. Returns the number of records sent.
 */
export async function transformFile(file: string, outFile: string, plan: TransformPlan, answeredBefore = 0): Promise<TransformedFile> {
  const out: Output = { stream: createWriteStream(outFile), md5: createHash('md5'), size: 0 };
  const inFlight: { batch: Batch; answer: Promise<string> }[] = [];
  const concurrency = Math.max(1, plan.concurrency ?? 1);
  let batch = newBatch(plan);
  let answered = answeredBefore;
  const writeOldest = async () => {
    const oldest = inFlight.shift();
    if (oldest === undefined) return;
    await write(out, assemble(plan, oldest.batch, await oldest.answer));
    answered += oldest.batch.count;
    plan.onAnswered?.(answered);
  };
  const send = async () => {
    if (batch.count === 0) return;
    // Records are separated by LF, and with SplitType Line the body ends with one too.
    const answer = invoke(plan, batch.body.subarray(0, plan.splitLines ? batch.used : batch.used - 1));
    // Settled later, in order; until then a failure must not surface as an unhandled rejection.
    answer.catch(() => undefined);
    inFlight.push({ batch, answer });
    batch = newBatch(plan);
    if (inFlight.length >= concurrency) await writeOldest();
  };
  try {
    for await (const chunk of recordChunks(file, plan)) {
      for (const record of chunk) {
        if (plan.splitLines && record.trim() === '') continue;
        const sent = filtered(plan, record);
        const size = Buffer.byteLength(sent) + 1;
        if (size > plan.maxPayloadBytes) throw new JobClientError(`a record of ${size} bytes exceeds MaxPayloadInMB`);
        if (batch.count > 0 && (plan.singleRecord || batch.used + size > plan.maxPayloadBytes)) await send();
        if (plan.joinInput) batch.originals.push(record);
        append(batch, sent, size);
      }
    }
    await send();
    while (inFlight.length > 0) await writeOldest();
  } finally {
    out.stream.end();
    await once(out.stream, 'close');
  }
  return { records: answered - answeredBefore, md5: out.md5.digest('hex'), size: out.size };
}
