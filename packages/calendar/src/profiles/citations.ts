import type { ExtensionRule, JurisdictionProfile } from './jurisdictionProfile.js';

/**
 * A citation's reference without its quoted text, for a sentence that names the rule:
 * `s.10(1): not later than …` → `s.10(1)`, `条例 第31条 (email …)` → `条例 第31条`.
 * @example shortCitation('2008年条例 第24条第2款: 自收到申请之日起…') // '2008年条例 第24条第2款'
 */
export function shortCitation(citation: string): string {
  return citation.split(/: | \(/)[0]!.trim();
}

/**
 * The rule of the extension a case used, by its kind; the profile's first when the kind is not its own.
 * @example extensionOf(AU_FOI, 'agreed')?.citation // 's.15AA: extension agreed in writing with the applicant'
 */
export function extensionOf(profile: JurisdictionProfile, kind: string): ExtensionRule | undefined {
  return profile.extensions.find((x) => x.kind === kind) ?? profile.extensions[0];
}
