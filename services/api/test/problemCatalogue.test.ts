import t from 'tap';
import { PROBLEM_BASE, PROBLEMS } from '@disclosure/api';
import { fromDomainError } from '../src/http/problems.js';
import { ApprovalRequired, CorrectionWindowClosed } from '@disclosure/domain';

// A problem's title is the same for every occurrence of its type (RFC 9457 §3.1.3), and the engine
// serves agencies under several laws: a title names no law and no office of one; the occurrence's
// detail (and its `citation`) says which law of the case refused.
t.test('every title is the same whatever the case’s law: no statute and no office of one in it', async (t) => {
  const naming = Object.entries(PROBLEMS).filter(([, kind]) => /[\u3400-\u9fff]|OGI|FOIA|s\.\d|§/.test(kind.title));
  t.same(naming, [], 'titles naming a law');
});

t.test('the detail cites the case’s own law', async (t) => {
  const uk = fromDomainError(new ApprovalRequired('approveExtension', 'caseworker', 'FOIA s.10(3)')).toProblem();
  t.match(uk, { type: `${PROBLEM_BASE}approval-required`, title: 'Only a supervisor may approve this', detail: 'approveExtension must be approved by a supervisor, not a caseworker (FOIA s.10(3))', citation: 'FOIA s.10(3)' });
  t.match(fromDomainError(new CorrectionWindowClosed('2025-10-13', '条例 第30条')).toProblem(), { type: `${PROBLEM_BASE}correction-window-closed`, detail: 'a correction notice had to go out by 2025-10-13 (条例 第30条)', windowEndedOn: '2025-10-13', citation: '条例 第30条' });
});
