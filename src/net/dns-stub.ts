/**
 * A tiny authoritative DNS server on UDP 127.0.0.1 for tests: answers A, AAAA, SRV, CNAME, MX and
 * TXT questions from a table that a test can change between queries (DNS rebinding). Answers carry TTL 0 so no
 * resolver caches them. Wire format: RFC 1035 §4.1.
 */
import dgram from 'node:dgram';
import { promises as dnsPromises } from 'node:dns';
import { parseIPv6, parseIPv4Loose } from './ip.js';

const TYPE_A = 1;
const TYPE_AAAA = 28;
const TYPE_SRV = 33;
const TYPE_CNAME = 5;
const TYPE_MX = 15;
const TYPE_TXT = 16;
const TYPE_NAMES: Record<number, string> = {
  [TYPE_A]: 'A',
  [TYPE_AAAA]: 'AAAA',
  [TYPE_SRV]: 'SRV',
  [TYPE_CNAME]: 'CNAME',
  [TYPE_MX]: 'MX',
  [TYPE_TXT]: 'TXT',
};

export interface StubRecords {
  a?: string[];
  aaaa?: string[];
  srv?: { priority?: number; weight?: number; port: number; target: string }[];
  cname?: string[];
  mx?: { priority: number; exchange: string }[];
  /** Each entry is one TXT record (one character-string, at most 255 bytes). */
  txt?: string[];
}

export class DnsStub {
  private readonly records = new Map<string, StubRecords>();
  /** Questions received, as `name TYPE` strings, in order. */
  readonly queries: string[] = [];

  private constructor(
    private readonly sock: dgram.Socket,
    readonly port: number,
  ) {
    sock.on('message', (msg, rinfo) => {
      const reply = this.answer(msg);
      if (reply) sock.send(reply, rinfo.port, rinfo.address);
    });
  }

  static async start(): Promise<DnsStub> {
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(0, '127.0.0.1', () => resolve());
    });
    return new DnsStub(sock, sock.address().port);
  }

  /** Sets (replaces) the answers for `name`; a name with no entry gets NXDOMAIN. */
  set(name: string, records: StubRecords): void {
    this.records.set(name.toLowerCase(), records);
  }

  /** A resolver that asks only this server, with one quick try. */
  resolver(): dnsPromises.Resolver {
    const r = new dnsPromises.Resolver({ timeout: 1000, tries: 1 });
    r.setServers([`127.0.0.1:${this.port}`]);
    return r;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.sock.close(() => resolve()));
  }

  private answer(msg: Buffer): Buffer | undefined {
    if (msg.length < 12 || msg.readUInt16BE(4) !== 1) return undefined;
    let off = 12;
    const labels: string[] = [];
    while (off < msg.length && msg[off] !== 0) {
      const len = msg[off];
      labels.push(msg.toString('latin1', off + 1, off + 1 + len));
      off += 1 + len;
    }
    off += 1; // the root label
    if (off + 4 > msg.length) return undefined;
    const qtype = msg.readUInt16BE(off);
    const qEnd = off + 4;
    const name = labels.join('.').toLowerCase();
    this.queries.push(`${name} ${TYPE_NAMES[qtype] ?? qtype}`);
    const rec = this.records.get(name);
    const rdatas =
      rec === undefined
        ? []
        : qtype === TYPE_A
          ? (rec.a ?? []).map(v4Bytes)
          : qtype === TYPE_AAAA
            ? (rec.aaaa ?? []).map(v6Bytes)
            : qtype === TYPE_SRV
              ? (rec.srv ?? []).map(srvBytes)
              : qtype === TYPE_CNAME
                ? (rec.cname ?? []).map(nameBytes)
                : qtype === TYPE_MX
                  ? (rec.mx ?? []).map(mxBytes)
                  : qtype === TYPE_TXT
                    ? (rec.txt ?? []).map(txtBytes)
                    : [];
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0); // id
    // QR=1, opcode 0, AA=1, RD copied, RA=1; rcode 3 (NXDOMAIN) for unknown names.
    header.writeUInt16BE(0x8400 | ((msg[2] & 0x01) << 8) | 0x80 | (rec ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(rdatas.length, 6);
    const answers = rdatas.map((rdata) => {
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
      rr.writeUInt16BE(qtype, 2);
      rr.writeUInt16BE(1, 4); // class IN
      rr.writeUInt32BE(0, 6); // TTL 0: never cached
      rr.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([rr, rdata]);
    });
    return Buffer.concat([header, msg.subarray(12, qEnd), ...answers]);
  }
}

function v4Bytes(s: string): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(parseIPv4Loose(s)!, 0);
  return b;
}

function v6Bytes(s: string): Buffer {
  const b = Buffer.alloc(16);
  parseIPv6(s)!.forEach((g, i) => b.writeUInt16BE(g, i * 2));
  return b;
}

/** SRV RDATA: priority, weight, port, then the target as uncompressed labels. */
function srvBytes(r: { priority?: number; weight?: number; port: number; target: string }): Buffer {
  const head = Buffer.alloc(6);
  head.writeUInt16BE(r.priority ?? 0, 0);
  head.writeUInt16BE(r.weight ?? 0, 2);
  head.writeUInt16BE(r.port, 4);
  return Buffer.concat([head, nameBytes(r.target)]);
}

/** A domain name as uncompressed labels. */
function nameBytes(name: string): Buffer {
  const labels = name
    .replace(/\.$/, '')
    .split('.')
    .map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')]));
  return Buffer.concat([...labels, Buffer.from([0])]);
}

function mxBytes(r: { priority: number; exchange: string }): Buffer {
  const pref = Buffer.alloc(2);
  pref.writeUInt16BE(r.priority, 0);
  return Buffer.concat([pref, nameBytes(r.exchange)]);
}

function txtBytes(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([b.length]), b]);
}
