import { toEpochDay, type IsoDate } from '../dates/isoDate.js';
import { contentVersion } from '../hashing/contentHash.js';
import { BUILTIN_PROFILES } from './builtinProfiles.js';
import type { JurisdictionProfile } from './jurisdictionProfile.js';

/** No profile with this id is known. */
export class UnknownProfile extends Error {
  override readonly name = 'UnknownProfile';
  constructor(readonly profileId: string, readonly known: readonly string[]) {
    super(`unknown profile ${profileId}; known: ${known.join(', ')}`);
  }
}

/** No profile of a jurisdiction covers the receipt date. */
export class NoProfileForDate extends Error {
  override readonly name = 'NoProfileForDate';
  constructor(readonly jurisdiction: string, readonly receivedOn: IsoDate) {
    super(`no ${jurisdiction} profile applies to a request received on ${receivedOn}`);
  }
}

/** A profile's version: the content hash of its rules. @example profileVersion(CN_2019) // 'sha256:…' */
export function profileVersion(profile: JurisdictionProfile): string {
  let v = versions.get(profile);
  if (v === undefined) versions.set(profile, (v = contentVersion(profile)));
  return v;
}

const versions = new WeakMap<JurisdictionProfile, string>(); // profiles are immutable data: hash once

/**
 * A profile by id. @example profileById('CN-2019').period // { amount: 20, unit: 'working-days', … }
 */
export function profileById(id: string): JurisdictionProfile {
  const p = BUILTIN_PROFILES.find((x) => x.id === id);
  if (!p) throw new UnknownProfile(id, BUILTIN_PROFILES.map((x) => x.id));
  return p;
}

/**
 * The profile of a jurisdiction that applies to a request received on a date; throws
 * {@link InvalidDate} when `receivedOn` is not a `YYYY-MM-DD` date.
 * @example profileFor('CN', '2019-05-14').id // 'CN-2008'
 */
export function profileFor(jurisdiction: string, receivedOn: IsoDate): JurisdictionProfile {
  toEpochDay(receivedOn); // the bounds below compare strings, which only order real YYYY-MM-DD dates
  const p = BUILTIN_PROFILES.find(
    (x) => x.jurisdiction === jurisdiction && (x.appliesTo.from === undefined || receivedOn >= x.appliesTo.from) && (x.appliesTo.before === undefined || receivedOn < x.appliesTo.before),
  );
  if (!p) throw new NoProfileForDate(jurisdiction, receivedOn);
  return p;
}
