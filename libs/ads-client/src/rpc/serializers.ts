import { decode, encode } from '@msgpack/msgpack';

/** A wire format the server and client can both speak, chosen by Content-Type and Accept. */
export interface Serializer {
  name: 'json' | 'msgpack';
  contentType: string;
  encode(value: unknown): Uint8Array | string;
  decode(body: Uint8Array | string): unknown;
}

export const jsonSerializer: Serializer = {
  name: 'json',
  contentType: 'application/json; charset=utf-8',
  encode: (value) => JSON.stringify(value),
  decode: (body): unknown =>
    JSON.parse(typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')),
};

export const msgpackSerializer: Serializer = {
  name: 'msgpack',
  contentType: 'application/msgpack',
  // `ignoreUndefined` keeps msgpack results equal to JSON ones (JSON drops undefined fields).
  encode: (value) => encode(value, { ignoreUndefined: true }),
  decode: (body) => decode(typeof body === 'string' ? Buffer.from(body, 'utf8') : body, { maxStrLength: 16 * 1024 * 1024 }),
};

const MSGPACK_TYPES = ['application/msgpack', 'application/x-msgpack', 'application/vnd.msgpack'];

/** The serializer of a request's Content-Type, or undefined when the type is not supported. */
export function serializerForContentType(contentType: string | undefined): Serializer | undefined {
  if (contentType === 'application/json') return jsonSerializer;
  if (contentType === undefined || contentType === '') return undefined;
  const mediaType = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === 'application/json') return jsonSerializer;
  if (MSGPACK_TYPES.includes(mediaType)) return msgpackSerializer;
  return undefined;
}

/**
 * The serializer for the answer: what Accept asks for, else the request's own format.
 * Undefined when Accept names only formats we cannot produce.
 */
export function serializerForAccept(accept: string | undefined, requestSerializer: Serializer): Serializer | undefined {
  if (accept === undefined || accept === '' || accept.includes('*/*')) return requestSerializer;
  const accepted = accept.toLowerCase();
  if (MSGPACK_TYPES.some((type) => accepted.includes(type))) return msgpackSerializer;
  if (accepted.includes('application/json') || accepted.includes('application/*')) return jsonSerializer;
  return undefined;
}
