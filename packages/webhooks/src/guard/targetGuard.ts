import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { TargetRefused } from '../errors.js';

/** One address a host name resolves to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to its addresses (DNS by default; tests inject their own). */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface TargetGuardOptions {
  /** Host names, IP addresses and CIDR blocks that may be targeted although private; `*` allows every target. */
  readonly allow?: readonly string[];
  readonly resolve?: Resolver;
}

/** Ranges no webhook may reach unless allow-listed (RFC 6890 special-purpose registries). */
const V4_REFUSED: readonly (readonly [string, number, string])[] = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT (shared)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay anycast'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (and broadcast)'],
];
const V6_REFUSED: readonly (readonly [string, number, string])[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'discard-only'],
  ['2001::', 23, 'IETF protocol assignments (Teredo and others)'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local (deprecated)'],
  ['ff00::', 8, 'multicast'],
];

/** IPv6 ranges that carry an IPv4 address: judged by the address they carry (its two 16-bit groups). */
const EMBEDDING_V4: readonly (readonly [string, number, string, (groups: number[]) => [number, number]])[] = [
  ['::ffff:0:0', 96, 'IPv4-mapped', (g) => [g[6]!, g[7]!]],
  ['64:ff9b::', 96, 'NAT64', (g) => [g[6]!, g[7]!]],
  ['::', 96, 'IPv4-compatible', (g) => [g[6]!, g[7]!]],
  ['2002::', 16, '6to4', (g) => [g[1]!, g[2]!]],
];

interface Range {
  readonly list: BlockList;
  readonly name: string;
}

const rangesOf = (ranges: readonly (readonly [string, number, string, ...unknown[]])[], type: 'ipv4' | 'ipv6'): Range[] =>
  ranges.map(([ip, bits, name]) => {
    const list = new BlockList();
    list.addSubnet(ip, bits, type);
    return { list, name: `${name} (${ip}/${bits})` };
  });
const REFUSED_V4 = rangesOf(V4_REFUSED, 'ipv4');
const REFUSED_V6 = rangesOf(V6_REFUSED, 'ipv6');
const CARRIERS = rangesOf(EMBEDDING_V4, 'ipv6').map((r, i) => ({ ...r, embedded: EMBEDDING_V4[i]![3] }));

/**
 * The SSRF guard of webhook targets. A URL must be http(s); every address its host resolves to must be
 * public (not private, loopback, link-local, unique-local, CGNAT, multicast, reserved or unspecified,
 * IPv4 or IPv6, IPv4 carried in IPv6 included) unless allow-listed. It is asked when a subscription is
 * made and again at each connection (`lookup` on the HTTP agent, and the socket's peer address), since
 * a DNS answer can change after the check.
 * @example
 * const guard = new TargetGuard({ allow: ['127.0.0.1'] });
 * await guard.checkUrl('https://hooks.example.org/disclosure');
 */
export class TargetGuard {
  readonly #allowAll: boolean;
  readonly #allowHosts: ReadonlySet<string>;
  readonly #allowAddresses = new BlockList();
  readonly #resolve: Resolver;

  constructor(options: TargetGuardOptions = {}) {
    const allow = (options.allow ?? []).map((a) => a.trim().toLowerCase()).filter((a) => a !== '');
    this.#allowAll = allow.includes('*');
    const hosts = new Set<string>();
    for (const entry of allow.filter((a) => a !== '*')) {
      const [ip, bits] = entry.split('/');
      const family = isIP(ip ?? '');
      if (family === 0) {
        if (bits !== undefined) throw new RangeError(`${entry} is neither a host name, an IP address nor a CIDR block`);
        hosts.add(entry.replace(/^\[|\]$/g, ''));
        continue;
      }
      const type = family === 4 ? 'ipv4' : 'ipv6';
      const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) throw new RangeError(`${entry} is not a CIDR block`);
      this.#allowAddresses.addSubnet(ip!, prefix, type);
    }
    this.#allowHosts = hosts;
    this.#resolve = options.resolve ?? defaultResolve;
  }

  /** Refuses (throws {@link TargetRefused}) a URL that is not http(s), carries credentials, or resolves to a refused address. */
  async checkUrl(url: string): Promise<void> {
    const target = this.#parse(url);
    if (this.#hostAllowed(target.hostname)) return;
    const literal = unbracket(target.hostname);
    const addresses = isIP(literal) ? [{ address: literal, family: isIP(literal) as 4 | 6 }] : await this.#resolveOrRefuse(url, literal);
    for (const a of addresses) this.checkAddress(url, target.hostname, a.address);
  }

  /** Refuses a connection of `url` (host `hostname`) to `address` unless it is public or allow-listed. */
  checkAddress(url: string, hostname: string, address: string): void {
    if (this.#hostAllowed(hostname)) return;
    const family = isIP(address);
    if (family === 0) throw new TargetRefused(url, `${address} is not an IP address`);
    if (this.#allowAddresses.check(address, family === 4 ? 'ipv4' : 'ipv6')) return;
    const why = refusalOf(address);
    if (why) throw new TargetRefused(url, `${hostname === address ? address : `${hostname} resolves to ${address}, which`} is ${why}`);
  }

  /**
   * A `lookup` for `http.request` / `net.connect` that resolves through the guard's resolver and refuses
   * any answer holding a refused address, so the socket only connects to an address checked now.
   */
  lookupFor(url: string): LookupFunction {
    return (hostname, options, callback) => {
      const cb = callback as (err: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => void;
      this.#resolveOrRefuse(url, hostname)
        .then((addresses) => {
          for (const a of addresses) this.checkAddress(url, hostname, a.address);
          const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
          if (wanted.length === 0) throw Object.assign(new Error(`${hostname} has no IPv${options.family} address`), { code: 'ENOTFOUND' });
          if (options.all) cb(null, wanted.map((a) => ({ address: a.address, family: a.family })));
          else cb(null, wanted[0]!.address, wanted[0]!.family);
        })
        .catch((err: NodeJS.ErrnoException) => cb(err, ''));
    };
  }

  /** Whether the target's host is allow-listed by name (no address check then). */
  #hostAllowed(hostname: string): boolean {
    return this.#allowAll || this.#allowHosts.has(unbracket(hostname).toLowerCase());
  }

  #parse(url: string): URL {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new TargetRefused(url, 'not a URL');
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new TargetRefused(url, `${target.protocol} is not http or https`);
    if (target.username || target.password) throw new TargetRefused(url, 'a URL with credentials in it is not accepted; use a configured header');
    return target;
  }

  async #resolveOrRefuse(url: string, hostname: string): Promise<readonly ResolvedAddress[]> {
    let addresses: readonly ResolvedAddress[];
    try {
      addresses = await this.#resolve(hostname);
    } catch (e) {
      throw new TargetRefused(url, `${hostname} does not resolve (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (addresses.length === 0) throw new TargetRefused(url, `${hostname} does not resolve`);
    return addresses;
  }
}

/** Why an address is refused (its range's name), or undefined for a public address. @example refusalOf('10.1.2.3') // 'private (10.0.0.0/8)' */
export function refusalOf(address: string): string | undefined {
  const family = isIP(address);
  if (family === 4) return REFUSED_V4.find((r) => r.list.check(address, 'ipv4'))?.name;
  if (family !== 6) return 'not an IP address';
  const refused = REFUSED_V6.find((r) => r.list.check(address, 'ipv6'));
  if (refused) return refused.name;
  const carrier = CARRIERS.find((c) => c.list.check(address, 'ipv6'));
  if (!carrier) return undefined;
  const [hi, lo] = carrier.embedded(v6Groups(address));
  const v4 = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const inner = refusalOf(v4);
  return inner ? `${inner}, as ${v4} inside the ${carrier.name} address` : undefined;
}

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail included). */
function v6Groups(address: string): number[] {
  let text = address.toLowerCase().split('%')[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => parseInt(g || '0', 16));
}

const unbracket = (host: string) => host.replace(/^\[|\]$/g, '');

async function defaultResolve(hostname: string): Promise<readonly ResolvedAddress[]> {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}
