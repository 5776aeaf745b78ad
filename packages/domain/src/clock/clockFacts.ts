import type { IsoDate, LapsePeriod } from '@disclosure/calendar';

/** Why the clock stood still for a while. */
export type PauseKind = 'third-party-consultation' | 'agency-consultation' | 'fee' | 'requester-information';

/**
 * A pause of the reply clock: consultation time (条例 第33条第3款) or fee time (国办函〔2020〕109号).
 * The notice day is day 0: paused days are the working days after `from` up to and including the
 * end — unless the law disregards the notice day too (`includesNoticeDay`, UK FOIA s.10(2)).
 */
export interface Pause {
  /** The consultation id, or `fee`, or `correction`. */
  readonly id: string;
  readonly kind: PauseKind;
  /** A caseworker-readable label, e.g. `征求第三方意见 c1 (某公司)`. */
  readonly label: string;
  readonly citation: string;
  readonly from: IsoDate;
  /** Inclusive end when answered or paid. */
  readonly to?: IsoDate;
  /** Ended by silence: the pause then lasts until this long after `lapseFrom` (or `from`). */
  readonly lapsed?: LapsePeriod;
  /** The day the lapse period runs from: the consulted party's receipt of the letter (第32条, 第34条). */
  readonly lapseFrom?: IsoDate;
  readonly includesNoticeDay?: true;
  /** While open, the pause can last at most this long (for planning). */
  readonly lapseAfter?: LapsePeriod;
}

/** Everything the reply clock needs, taken from a case's events. */
export interface ClockFacts {
  readonly profileId: string;
  readonly receivedOn: IsoDate;
  /** Day 0 of the count: the receipt day, or the corrected request's receipt day (第30条). */
  readonly countFrom: IsoDate;
  readonly restartedOn?: IsoDate;
  readonly awaitingCorrection: boolean;
  readonly pauses: readonly Pause[];
  readonly extensions: readonly { readonly kind: string; readonly amount: number; readonly approvedOn: IsoDate }[];
  readonly override?: { readonly dueDate: IsoDate; readonly reason: string };
  /** The day the clock stopped: reply given, withdrawn or abandoned. */
  readonly stoppedOn?: IsoDate;
}
