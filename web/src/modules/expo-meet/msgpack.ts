// A small msgpack codec: just the types the world-server protocol uses (nil, booleans,
// integers, floats, strings, arrays, maps). Written here so the negotiation room needs no
// extra package; the frames it sends are a handful of short arrays.

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder()

export type Packable = null | boolean | number | string | Packable[]

export function encode(value: Packable): Uint8Array {
  const out: number[] = []
  write(out, value)
  return Uint8Array.from(out)
}

function write(out: number[], value: Packable): void {
  if (value === null) out.push(0xc0)
  else if (typeof value === 'boolean') out.push(value ? 0xc3 : 0xc2)
  else if (typeof value === 'number') writeNumber(out, value)
  else if (typeof value === 'string') writeString(out, value)
  else {
    const n = value.length
    if (n < 16) out.push(0x90 | n)
    else out.push(0xdc, n >> 8, n & 0xff)
    for (const item of value) write(out, item)
  }
}

function writeNumber(out: number[], n: number): void {
  if (!Number.isInteger(n)) {
    const view = new DataView(new ArrayBuffer(8))
    view.setFloat64(0, n)
    out.push(0xcb, ...new Uint8Array(view.buffer))
  } else if (n >= 0 && n < 128) out.push(n)
  else if (n < 0 && n >= -32) out.push(n & 0xff)
  else if (n >= 0 && n <= 0xffffffff) out.push(0xce, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)
  else if (n < 0 && n >= -0x80000000) out.push(0xd2, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)
  else {
    const view = new DataView(new ArrayBuffer(8))
    view.setBigInt64(0, BigInt(n))
    out.push(0xd3, ...new Uint8Array(view.buffer))
  }
}

function writeString(out: number[], text: string): void {
  const bytes = utf8.encode(text)
  const n = bytes.length
  if (n < 32) out.push(0xa0 | n)
  else if (n < 256) out.push(0xd9, n)
  else if (n < 65536) out.push(0xda, n >> 8, n & 0xff)
  else out.push(0xdb, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)
  for (const b of bytes) out.push(b)
}

export type Unpacked = null | boolean | number | string | Unpacked[] | { [key: string]: Unpacked }

export function decode(data: ArrayBuffer | Uint8Array): Unpacked {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data)
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), at: 0 }
  return read(reader)
}

interface Reader {
  view: DataView
  at: number
}

function read(r: Reader): Unpacked {
  const v = r.view
  const b = v.getUint8(r.at++)
  if (b < 0x80) return b
  if (b >= 0xe0) return b - 0x100
  if ((b & 0xf0) === 0x90) return readArray(r, b & 0x0f)
  if ((b & 0xf0) === 0x80) return readMap(r, b & 0x0f)
  if ((b & 0xe0) === 0xa0) return readString(r, b & 0x1f)
  const take = (size: number, get: (at: number) => number): number => {
    const value = get(r.at)
    r.at += size
    return value
  }
  switch (b) {
    case 0xc0: return null
    case 0xc2: return false
    case 0xc3: return true
    case 0xca: return take(4, (at) => v.getFloat32(at))
    case 0xcb: return take(8, (at) => v.getFloat64(at))
    case 0xcc: return take(1, (at) => v.getUint8(at))
    case 0xcd: return take(2, (at) => v.getUint16(at))
    case 0xce: return take(4, (at) => v.getUint32(at))
    case 0xcf: return take(8, (at) => Number(v.getBigUint64(at)))
    case 0xd0: return take(1, (at) => v.getInt8(at))
    case 0xd1: return take(2, (at) => v.getInt16(at))
    case 0xd2: return take(4, (at) => v.getInt32(at))
    case 0xd3: return take(8, (at) => Number(v.getBigInt64(at)))
    case 0xd9: return readString(r, take(1, (at) => v.getUint8(at)))
    case 0xda: return readString(r, take(2, (at) => v.getUint16(at)))
    case 0xdb: return readString(r, take(4, (at) => v.getUint32(at)))
    case 0xdc: return readArray(r, take(2, (at) => v.getUint16(at)))
    case 0xdd: return readArray(r, take(4, (at) => v.getUint32(at)))
    case 0xde: return readMap(r, take(2, (at) => v.getUint16(at)))
    case 0xdf: return readMap(r, take(4, (at) => v.getUint32(at)))
  }
  throw new Error(`msgpack type 0x${b.toString(16)} is not used by the protocol`)
}

function readString(r: Reader, n: number): string {
  const text = fromUtf8.decode(new Uint8Array(r.view.buffer, r.view.byteOffset + r.at, n))
  r.at += n
  return text
}

function readArray(r: Reader, n: number): Unpacked[] {
  const items: Unpacked[] = []
  for (let i = 0; i < n; i++) items.push(read(r))
  return items
}

function readMap(r: Reader, n: number): { [key: string]: Unpacked } {
  const map: { [key: string]: Unpacked } = {}
  for (let i = 0; i < n; i++) map[String(read(r))] = read(r)
  return map
}
