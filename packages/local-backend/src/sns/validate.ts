/** SNS's input rules for topics and Publish, with errors named as the SDK names them. */
import { Buffer } from 'node:buffer';
import type { MessageAttributeValue, PublishInput } from '@aws-sdk/client-sns';
import { LocalServiceError } from '../service';

/** An SNS error: `name` is the SDK's exception name, `Code` the wire code (`InvalidParameter`, `NotFound`, …). */
export class SnsError extends LocalServiceError {
  constructor(exception: string, code: string, message: string, status = 400) {
    super(exception, message, { status });
    Object.defineProperty(this, 'Code', { value: code });
  }
}

export const invalidParameter = (message: string) =>
  new SnsError('InvalidParameterException', 'InvalidParameter', `Invalid parameter: ${message}`);
const invalidAttribute = (message: string) =>
  new SnsError('InvalidParameterValueException', 'ParameterValueInvalid', message);
export const topicNotFound = (arn: string) =>
  new SnsError('NotFoundException', 'NotFound', `Topic does not exist: ${arn}`, 404);

export const MAX_MESSAGE_BYTES = 256 * 1024;
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$|^[A-Za-z0-9_-]{1,251}\.fifo$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:([^:]+)$/;

/** Validates a topic name (letters, digits, `-`, `_`, up to 256; FIFO names end in `.fifo`). */
export function assertTopicName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !TOPIC_NAME.test(name)) {
    throw invalidParameter('Topic Name must be 1-256 letters, digits, hyphens or underscores (".fifo" suffix allowed)');
  }
}

/** The topic name inside an ARN (`arn:aws:sns:<region>:<account>:<name>`). */
export function topicNameOf(arn: string | undefined): string {
  const name = TOPIC_ARN.exec(arn ?? '')?.[1];
  if (name === undefined || !TOPIC_NAME.test(name)) throw invalidParameter(`TopicArn ${JSON.stringify(arn)}`);
  return name;
}

/**
 * Publish rules: only topics as targets; Message non-empty; Subject printable ASCII without line breaks, ≤ 100
 * characters; MessageStructure `json` needs a `default` entry; Message plus attributes ≤ 256 KB.
 */
export function validatePublish(input: PublishInput): void {
  if (input.TopicArn === undefined) {
    const reason =
      input.TargetArn || input.PhoneNumber
        ? 'the local SNS only publishes to topics (TopicArn)'
        : 'TopicArn or TargetArn Reason: no value for required parameter';
    throw invalidParameter(reason);
  }
  if (typeof input.Message !== 'string' || input.Message === '') throw invalidParameter('Empty message');
  if (input.Subject !== undefined) assertSubject(input.Subject);
  if (input.MessageStructure === 'json') assertJsonStructure(input.Message);
  const attributesBytes = Object.entries(input.MessageAttributes ?? {}).reduce(
    (total, [name, value]) => total + attributeBytes(name, value),
    0,
  );
  if (Buffer.byteLength(input.Message) + attributesBytes > MAX_MESSAGE_BYTES) {
    throw invalidParameter('Message too long (message and attributes must be at most 262144 bytes)');
  }
}

function assertSubject(subject: string): void {
  if (subject.length > 100 || !/^[\x21-\x7E][\x20-\x7E]*$/.test(subject)) {
    throw invalidParameter('Subject must be 1-100 printable ASCII characters without line breaks');
  }
}

function assertJsonStructure(message: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw invalidParameter('Message Structure - JSON message body failed to parse');
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { default?: unknown }).default !== 'string') {
    throw invalidParameter('Message Structure - No default entry in JSON message body');
  }
}

/** Checks one message attribute and returns its size in bytes (name + type + value). */
function attributeBytes(name: string, attribute: MessageAttributeValue): number {
  const validName =
    /^[A-Za-z0-9_.-]{1,256}$/.test(name) && !/^(aws\.|amazon\.)/i.test(name) && !/^\.|\.$|\.\./.test(name);
  if (!validName) throw invalidAttribute(`The message attribute name '${name}' is invalid`);
  const type = attribute.DataType ?? '';
  const base = /^(String|Number|Binary)(\..+)?$/.exec(type)?.[1];
  if (base === undefined)
    throw invalidAttribute(`The message attribute '${name}' has an invalid message attribute type '${type}'`);
  return Buffer.byteLength(name) + Buffer.byteLength(type) + attributeValueBytes(name, base, attribute);
}

function attributeValueBytes(name: string, base: string, attribute: MessageAttributeValue): number {
  if (base === 'Binary') {
    if (!attribute.BinaryValue?.length)
      throw invalidAttribute(`The message attribute '${name}' must contain a non-empty binary value`);
    return attribute.BinaryValue.length;
  }
  const value = attribute.StringValue ?? '';
  if (value === '')
    throw invalidAttribute(`The message attribute '${name}' must contain non-empty message attribute value`);
  if (base === 'Number' && !Number.isFinite(Number(value))) {
    throw invalidAttribute(`The message attribute '${name}' with type 'Number' must contain a numeric value`);
  }
  return Buffer.byteLength(value);
}
