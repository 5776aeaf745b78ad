import type { Kysely } from 'kysely';
import { foldCase, initialCaseState, parseCaseEvent, referralRefusal, type CaseCommandOf, type CaseEventData, type CaseState, type RefusedReferral } from '@disclosure/domain';
import { uuidV5, type EventStore, type RecordedEvent } from '@disclosure/event-store';
import { derivedTransaction, type ReadModelDatabase } from '@disclosure/read-models';
import type { AgencyDirectory } from '../agencies/agencyDirectory.js';
import type { CaseService } from '../commands/caseService.js';
import { HttpProblem } from '../http/problems.js';
import { caseToday, recordSystemEvents, SYSTEM_ROLE } from '../commands/systemEvents.js';
import { intakeCaseId, intakeCommands, referralIntakeBody } from '../intake/intake.js';

/** Who the reactor's events are recorded as (metadata `actor`; role `system`, like the deadline clock). */
export const REFERRAL_ACTOR = 'referrals';
/** The reactor's checkpoint, a row of `projection_checkpoints` (the position of the last event it handled). */
export const REFERRAL_CHECKPOINT = 'reactor:referrals';
const START = -1n;
const ATTEMPTS = 5;

export interface ReferralReactorOptions {
  readonly store: EventStore;
  readonly db: Kysely<ReadModelDatabase>;
  readonly cases: CaseService;
  /** The agencies this instance serves: a referral to one of them creates the linked case here. */
  readonly agencies: AgencyDirectory;
  /** The agencies of other instances referrals go to (REMOTE_AGENCIES): the webhook carries those. */
  readonly remoteAgencies: ReadonlySet<string>;
  /** This instance's name in the referrals it sends (INSTANCE_ID). */
  readonly instanceId: string;
  readonly now?: () => Date;
  readonly log?: { info(o: object, m: string): void; error(o: object, m: string): void };
  /** Events read per step (default 500). */
  readonly batchSize?: number;
}

/** What one step did. */
export interface ReferralStep {
  readonly events: number;
  readonly caughtUp: boolean;
  /** Linked cases created on this instance. */
  readonly created: number;
  /** `referred-to` links recorded on referring cases. */
  readonly linked: number;
}

/**
 * The referral reactor (会商/转办): follows every `CaseReferred` in the store, from its own
 * checkpoint. A referral to an agency this instance serves creates the linked case there — the
 * intake the referral's body would make (channel `system`, received on the referral day, its own
 * clock from its own agency's profile) with `CaseLinked` `referred-from` — and records `CaseLinked`
 * `referred-to` on the referring case. A referral to a remote agency travels as the
 * `referral-intake` webhook (see referralPayloads.ts); here only the `referred-to` link is recorded,
 * naming the case id the other instance's intake derives from the same body. A referral the agency
 * here cannot receive (its law refuses the request as referred) is recorded on the referring case
 * as `ReferralRefused` (the domain's `referralRefusal`), for its caseworker. A referral to an
 * agency neither here nor remote stays what it is: the record that the applicant was told which
 * agency to ask (条例 第36条(五)).
 *
 * Every id is derived (the new case's from the referring instance, agency and case; the events'
 * from the case and their index), so a step run twice, after a crash before its checkpoint moved,
 * or by two workers at once never creates a case or a link twice.
 * @example const reactor = new ReferralReactor({ store, db, cases, agencies, remoteAgencies: new Set(), instanceId: 'city-a' }); while (!(await reactor.step()).caughtUp);
 */
export class ReferralReactor {
  readonly #o: ReferralReactorOptions;
  readonly #now: () => Date;

  constructor(options: ReferralReactorOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => new Date());
  }

  /** Handles the referrals of the next batch of events and moves the checkpoint past them. */
  async step(): Promise<ReferralStep> {
    const from = await this.checkpoint();
    const limit = this.#o.batchSize ?? 500;
    const events = await this.#o.store.readAll({ ...(from === START ? {} : { fromPosition: from }), limit });
    let created = 0;
    let linked = 0;
    for (const e of events) {
      if (e.type !== 'CaseReferred') continue;
      const r = await this.#react(e);
      created += r.created;
      linked += r.linked;
    }
    if (events.length > 0) await this.#save(from, events[events.length - 1]!.position);
    return { events: events.length, caughtUp: events.length < limit, created, linked };
  }

  /** Steps until caught up (a worker takes one step after each of its projector's instead: worker.ts). */
  async catchUp(): Promise<{ created: number; linked: number }> {
    let created = 0;
    let linked = 0;
    for (;;) {
      const r = await this.step();
      created += r.created;
      linked += r.linked;
      if (r.caughtUp) return { created, linked };
    }
  }

  /** The position of the last event handled (-1 before the first). */
  async checkpoint(): Promise<bigint> {
    const row = await this.#o.db.selectFrom('projection_checkpoints').select('position').where('projection', '=', REFERRAL_CHECKPOINT).executeTakeFirst();
    return row ? BigInt(row.position) : START;
  }

  /**
   * Moves the checkpoint from where this step read it; another worker that moved it first wins (both
   * did the same). Its commit does not wait for the disk: a crash that takes it back makes the step
   * run again, and what it appended has derived ids.
   */
  async #save(from: bigint, to: bigint): Promise<void> {
    const at = this.#now().toISOString();
    await derivedTransaction(this.#o.db, (trx) => trx
      .insertInto('projection_checkpoints')
      .values({ projection: REFERRAL_CHECKPOINT, position: to.toString(), events: '0', updated_at: at })
      .onConflict((oc) => oc.column('projection').doUpdateSet({ position: to.toString(), updated_at: at }).where('projection_checkpoints.position', '=', from.toString()))
      .execute());
  }

  async #react(e: RecordedEvent): Promise<{ created: number; linked: number }> {
    const referral = parseCaseEvent(e).data as CaseEventData<'CaseReferred'>;
    const target = this.#o.agencies.get(referral.toAgency);
    const remote = this.#o.remoteAgencies.has(referral.toAgency);
    if (!target && !remote) {
      this.#o.log?.info({ caseId: e.streamId, toAgency: referral.toAgency }, 'referral to an agency neither served here nor remote: recorded only');
      return { created: 0, linked: 0 };
    }
    const source = await referringCase(this.#o.store, e);
    const body = referralIntakeBody(source, referral, this.#o.instanceId);
    const linkedCaseId = intakeCaseId(referral.toAgency, body.sourceSystem, body.sourceReference);
    const context = { role: SYSTEM_ROLE, correlationId: e.metadata.correlationId, causationId: e.id };
    const at = this.#now().toISOString();
    let created = 0;
    if (target) {
      const [receive, ...then] = intakeCommands(body, { caseId: linkedCaseId, at, actor: { id: REFERRAL_ACTOR, agency: target.id, role: 'integrator' }, jurisdiction: target.jurisdiction });
      try {
        if (await this.#o.cases.createWith(receive, then, { ...context, eventId: (i) => uuidV5(`${linkedCaseId}/${i}`) })) created = 1;
      } catch (err) {
        if (!(err instanceof HttpProblem)) throw err;
        // the target agency's law refuses the request as referred (e.g. no profile for its jurisdiction): no case
        // and no link, and retrying cannot help; the referring case records the refusal for its caseworker
        this.#o.log?.error({ caseId: e.streamId, toAgency: referral.toAgency, problem: err.code, detail: err.message }, 'the referred request could not be received by the target agency');
        await this.#recordRefusal(source.caseId!, { toAgency: referral.toAgency, problem: err.code, detail: err.message }, at, context);
        return { created: 0, linked: 0 };
      }
    }
    const link = { type: 'linkCase', caseId: source.caseId!, at, actor: { id: REFERRAL_ACTOR, agency: source.agency!, role: 'integrator' }, data: { linkedCaseId, linkedAgency: referral.toAgency, relation: 'referred-to' } } as CaseCommandOf<'linkCase'>;
    return { created, linked: await this.#linkSource(link, { ...context, eventId: () => uuidV5(`${source.caseId}/referred-to/${linkedCaseId}`) }) };
  }

  /** Records `ReferralRefused` on the referring case, once (the domain's `referralRefusal` decides; the id is derived). */
  async #recordRefusal(caseId: string, refusal: RefusedReferral, at: string, context: { correlationId: string; causationId: string }): Promise<void> {
    const write = { actor: REFERRAL_ACTOR, at, ...context, eventId: () => uuidV5(`${caseId}/referral-refused/${refusal.toAgency}`) };
    const recorded = await recordSystemEvents(this.#o.store, caseId, write, (state) => referralRefusal(state, refusal, caseToday(state.clock!, at)));
    if (recorded === 'contended') throw new Error(`the referring case ${caseId} kept changing; the referral is retried from the checkpoint`);
  }

  /** Records `referred-to` on the referring case unless it is there; again after a concurrent write. */
  async #linkSource(link: CaseCommandOf<'linkCase'>, context: Parameters<CaseService['execute']>[1]): Promise<number> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const current = await this.#o.cases.load(link.caseId, link.actor.agency);
      if (current.state.links.some((l) => l.relation === 'referred-to' && l.linkedCaseId === link.data.linkedCaseId)) return 0;
      try {
        return (await this.#o.cases.execute(link, context)).appended > 0 ? 1 : 0; // 0: another worker stored the same event first
      } catch (err) {
        if (!(err instanceof HttpProblem && err.code === 'concurrent-update')) throw err;
      }
    }
    throw new Error(`the referring case ${link.caseId} kept changing; the referral is retried from the checkpoint`);
  }

}

/**
 * The referring case as it stood when it was referred (its events up to the `CaseReferred`), so
 * that the intake body built from it is the same however late or often it is built.
 * @example const source = await referringCase(store, referredEvent);
 */
export async function referringCase(store: EventStore, referred: RecordedEvent): Promise<CaseState> {
  const events = await store.read(referred.streamId, { limit: referred.revision + 1 });
  return foldCase(events.map((x) => parseCaseEvent(x)), initialCaseState());
}
