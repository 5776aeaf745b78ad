import t from 'tap';
import { parseCaseCommand } from '@disclosure/domain';
import { cmd, receive } from '../support/caseFactory.js';

t.test('a well-formed command parses', async (t) => {
  t.ok(parseCaseCommand(receive('2025-09-26')).ok);
});

t.test('bad input lists each bad field', async (t) => {
  const bad = parseCaseCommand({ ...cmd('requestCorrection', '2025-09-29', { items: [], respondBy: '2025-02-30' }), at: 'yesterday' });
  t.notOk(bad.ok);
  if (bad.ok) return;
  const paths = bad.fields.map((f) => f.path).sort();
  t.same(paths, ['at', 'data.items', 'data.respondBy']);
});

t.test('unknown fields, unknown commands and wrong types are refused', async (t) => {
  t.notOk(parseCaseCommand({ ...cmd('archiveCase', '2025-10-01', {}), data: { sneaky: 1 } }).ok);
  t.notOk(parseCaseCommand({ ...cmd('archiveCase', '2025-10-01', {}), type: 'deleteCase' }).ok);
  t.notOk(parseCaseCommand({ ...cmd('approveExtension', '2025-10-01', { amount: 5, reason: 'x' }), data: { amount: '5', reason: 'x' } }).ok);
  t.notOk(parseCaseCommand(null).ok);
  t.notOk(parseCaseCommand({ ...cmd('archiveCase', '2025-10-01', {}), actor: { id: 'a', role: 'root', agency: 'demo' } }).ok, 'unknown role');
});

t.test('an applicant with an invalid e-mail or a blank name is refused', async (t) => {
  const r = receive('2025-09-26');
  t.notOk(parseCaseCommand({ ...r, data: { ...r.data, applicant: { ...r.data.applicant, email: 'not-an-email' } } }).ok);
  t.notOk(parseCaseCommand({ ...r, data: { ...r.data, applicant: { ...r.data.applicant, name: '   ' } } }).ok);
});
