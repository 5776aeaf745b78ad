import t from 'tap';
import { refusalOf, TargetGuard, TargetRefused } from '@disclosure/webhooks';

t.test('private, loopback, link-local, unique-local, CGNAT, multicast and unspecified addresses are refused; public ones pass', async (t) => {
  const refused = [
    '127.0.0.1', '127.8.9.10', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '100.127.255.254',
    '0.0.0.0', '224.0.0.1', '239.255.255.250', '255.255.255.255', '240.0.0.1', '198.18.0.1', '192.0.2.1',
    '::', '::1', 'fe80::1', 'fc00::1', 'fd12:3456:789a::1', 'ff02::1', '2001:db8::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.1.2.3', '::ffff:169.254.169.254', '64:ff9b::a9fe:a9fe', '2002:c0a8:101::1',
  ];
  for (const a of refused) t.ok(refusalOf(a), `${a} refused (${refusalOf(a)})`);
  for (const a of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2002:808:808::1']) t.equal(refusalOf(a), undefined, `${a} is public`);
  t.match(refusalOf('::ffff:127.0.0.1'), /loopback.*inside the IPv4-mapped/, 'an IPv4-mapped address is judged by the IPv4 address it carries');
  t.match(refusalOf('100.64.0.1'), /carrier-grade NAT/);
});

t.test('a URL is checked by every address its host resolves to, unless allow-listed by name, address or CIDR', async (t) => {
  const dns: Record<string, string[]> = { 'hooks.example.org': ['93.184.216.34'], 'mixed.example.org': ['93.184.216.34', '10.0.0.7'], 'internal.example.org': ['10.1.2.3'], 'v6.example.org': ['fd00::5'] };
  const resolve = async (host: string) => {
    const a = dns[host];
    if (!a) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return a.map((address) => ({ address, family: (address.includes(':') ? 6 : 4) as 4 | 6 }));
  };
  const guard = new TargetGuard({ resolve });
  await t.resolves(guard.checkUrl('https://hooks.example.org/x'), 'a public host');
  const refusal = async (url: string, reason: RegExp, g = guard) => {
    const e = await g.checkUrl(url).then(() => undefined, (x: unknown) => x);
    t.type(e, TargetRefused, `${url} refused`);
    t.match((e as TargetRefused).reason, reason, `${url}: ${(e as TargetRefused).reason}`);
  };
  await refusal('https://mixed.example.org/x', /10\.0\.0\.7.*private/);
  await refusal('http://internal.example.org/', /private/);
  await refusal('http://v6.example.org/', /unique-local/);
  await refusal('http://127.0.0.1:8080/hook', /loopback/);
  await refusal('http://[::1]/hook', /loopback/);
  await refusal('http://[::ffff:127.0.0.1]/hook', /loopback/);
  await refusal('http://localhost/hook', /does not resolve|loopback/);
  await refusal('ftp://hooks.example.org/x', /not http or https/);
  await refusal('file:///etc/passwd', /not http or https/);
  await refusal('https://user:pw@hooks.example.org/', /credentials/);
  await refusal('https://nowhere.example.org/', /does not resolve/);
  await refusal('not a url', /not a URL/);

  const allowing = new TargetGuard({ resolve, allow: ['127.0.0.1', '10.0.0.0/8', 'v6.example.org'] });
  await t.resolves(allowing.checkUrl('http://127.0.0.1:8080/hook'), 'an allow-listed address');
  await t.resolves(allowing.checkUrl('http://internal.example.org/'), 'an address in an allow-listed CIDR');
  await t.resolves(allowing.checkUrl('http://v6.example.org/'), 'an allow-listed host name');
  await refusal('http://127.0.0.2/', /loopback/, allowing);
  t.throws(() => new TargetGuard({ allow: ['10.0.0.0/40'] }), RangeError, 'a bad CIDR in the settings is refused at start');
});

t.test('the lookup given to connections checks the answer of the moment', async (t) => {
  let answer = '93.184.216.34';
  const guard = new TargetGuard({ resolve: async () => [{ address: answer, family: 4 }] });
  const lookup = (all: boolean) =>
    new Promise<unknown>((resolve, reject) =>
      guard.lookupFor('https://flip.example.org/')('flip.example.org', { all }, (err: Error | null, address: unknown) => (err ? reject(err) : resolve(address))),
    );
  t.equal(await lookup(false), '93.184.216.34');
  t.same(await lookup(true), [{ address: '93.184.216.34', family: 4 }]);
  answer = '169.254.169.254';
  await t.rejects(lookup(false), TargetRefused, 'the same host, now answering a link-local address, is refused');
});
