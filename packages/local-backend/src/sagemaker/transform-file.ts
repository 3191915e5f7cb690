import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { csvFields, type FieldFilter } from './filters';
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
  outputFilter: FieldFilter;
  joinInput: boolean;
  /** Output lines are rebuilt (join and/or OutputFilter); otherwise the answer is written as it came. */
  reshapeOutput: boolean;
  assembleLines: boolean;
  /** Called after each answered mini-batch with the running record count (fault injection). */
  onAnswered?: (records: number) => void;
}

/** Raised when the model server fails a request; SageMaker reports it as an `AlgorithmError`. */
export class ModelServerError extends Error {
  override readonly name = 'ModelServerError';
}

interface Pending {
  original: string;
  sent: string;
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

async function invoke(plan: TransformPlan, body: string): Promise<string> {
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
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

async function flush(plan: TransformPlan, batch: Pending[], out: WriteStream): Promise<void> {
  const answer = await invoke(plan, batch.map((p) => p.sent).join('\n') + (plan.splitLines ? '\n' : ''));
  if (!plan.reshapeOutput) return write(out, plan.assembleLines && !answer.endsWith('\n') ? `${answer}\n` : answer);
  const outputs = linesOf(answer);
  if (plan.joinInput && outputs.length !== batch.length) {
    throw new ModelServerError(`the model returned ${outputs.length} lines for ${batch.length} records, so they cannot be joined with the input`);
  }
  const rows = outputs.map((line, i) => {
    const fields = plan.joinInput ? [...csvFields(batch[i]?.original ?? ''), ...csvFields(line)] : csvFields(line);
    return plan.outputFilter(fields).join(',');
  });
  await write(out, rows.map((r) => (plan.assembleLines ? `${r}\n` : r)).join(''));
}

function records(file: string, plan: TransformPlan): AsyncIterable<string> {
  let input: Readable = createReadStream(file);
  if (plan.gzip) input = input.pipe(createGunzip());
  if (plan.splitLines) return createInterface({ input, crlfDelay: Infinity });
  return (async function* whole() {
    const chunks: Buffer[] = [];
    for await (const chunk of input) chunks.push(chunk as Buffer);
    yield Buffer.concat(chunks).toString('utf8');
  })();
}

/**
 * Transform one input file into `outFile`, streaming: records are read line by line, grouped into mini-batches of
 * at most MaxPayloadInMB (MultiRecord) or sent one by one (SingleRecord), filtered, joined and written as they come.
 * Returns the number of records sent.
 */
export async function transformFile(file: string, outFile: string, plan: TransformPlan, answeredBefore = 0): Promise<number> {
  const out = createWriteStream(outFile);
  let batch: Pending[] = [];
  let bytes = 0;
  let answered = answeredBefore;
  const send = async () => {
    if (batch.length === 0) return;
    await flush(plan, batch, out);
    answered += batch.length;
    batch = [];
    bytes = 0;
    plan.onAnswered?.(answered);
  };
  try {
    for await (const record of records(file, plan)) {
      if (plan.splitLines && record.trim() === '') continue;
      const sent = plan.csv ? plan.inputFilter(csvFields(record)).join(',') : record;
      const size = Buffer.byteLength(sent) + 1;
      if (size > plan.maxPayloadBytes) throw new JobClientError(`a record of ${size} bytes exceeds MaxPayloadInMB`);
      if (batch.length > 0 && (plan.singleRecord || bytes + size > plan.maxPayloadBytes)) await send();
      batch.push({ original: record, sent });
      bytes += size;
    }
    await send();
  } finally {
    out.end();
    await once(out, 'close');
  }
  return answered - answeredBefore;
}
