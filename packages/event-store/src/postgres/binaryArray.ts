/**
 * One-dimensional arrays without NULLs in PostgreSQL's binary format, for `unnest($n::type[])`:
 * the server copies the elements out (uuid, int4) or checks them once (json), where a JSON
 * document of the whole batch has to be lexed, de-escaped and each value lexed again. Used as
 * parameters on sessions that send Buffers in binary format ({@link SqlSession.binaryParameters}).
 *
 * Layout: ndim, has-nulls flag, element type oid, then per dimension its length and lower bound
 * (all int32), then per element its byte length (int32) and bytes.
 */
const HEADER = 20;
const OID = { int4: 23, text: 25, json: 114, uuid: 2950 } as const;

function header(buffer: Buffer, oid: number, length: number): void {
  buffer.writeInt32BE(1, 0);
  buffer.writeInt32BE(0, 4);
  buffer.writeInt32BE(oid, 8);
  buffer.writeInt32BE(length, 12);
  buffer.writeInt32BE(1, 16);
}

/** `text[]` or `json[]` (json's binary form is its text): UTF-8, as `pg` writes a text parameter. */
export function binaryTextArray(type: 'text' | 'json', values: readonly string[]): Buffer {
  const lengths = new Array<number>(values.length);
  let size = HEADER + 4 * values.length;
  for (let i = 0; i < values.length; i++) size += lengths[i] = Buffer.byteLength(values[i]!);
  const buffer = Buffer.allocUnsafe(size);
  header(buffer, OID[type], values.length);
  let at = HEADER;
  for (let i = 0; i < values.length; i++) {
    buffer.writeInt32BE(lengths[i]!, at);
    at += 4 + buffer.write(values[i]!, at + 4);
  }
  return buffer;
}

/** `int4[]` of integers in int32 range (the caller checks). */
export function binaryInt4Array(values: readonly number[]): Buffer {
  const buffer = Buffer.allocUnsafe(HEADER + 8 * values.length);
  header(buffer, OID.int4, values.length);
  for (let i = 0, at = HEADER; i < values.length; i++, at += 8) {
    buffer.writeInt32BE(4, at);
    buffer.writeInt32BE(values[i]!, at + 4);
  }
  return buffer;
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = HEX['0123456789ABCDEF'.charCodeAt(i)] = i;

/** `uuid[]` of canonical (8-4-4-4-12 hex digit) uuids (the caller checks). */
export function binaryUuidArray(ids: readonly string[]): Buffer {
  const buffer = Buffer.allocUnsafe(HEADER + 20 * ids.length);
  header(buffer, OID.uuid, ids.length);
  let at = HEADER;
  for (const id of ids) {
    buffer.writeInt32BE(16, at);
    at += 4;
    for (let c = 0; c < 36; c++) {
      if (c === 8 || c === 13 || c === 18 || c === 23) continue;
      buffer[at++] = (HEX[id.charCodeAt(c)]! << 4) | HEX[id.charCodeAt(++c)]!;
    }
  }
  return buffer;
}
