import type { JurisdictionProfile } from '@disclosure/calendar';

/**
 * A citation's reference without its quoted text: `s.10(1): not later than …` → `s.10(1)`,
 * `条例 第31条 (email …)` → `条例 第31条`.
 * @example shortCitation('2008年条例 第24条第2款: 自收到申请之日起…') // '2008年条例 第24条第2款'
 */
export function shortCitation(citation: string): string {
  return citation.split(/: | \(/)[0]!.trim();
}

/** The citation of the extension a case used, by its kind, else the profile's first. */
export function extensionOf(profile: JurisdictionProfile, kind: string) {
  return profile.extensions.find((x) => x.kind === kind) ?? profile.extensions[0];
}
