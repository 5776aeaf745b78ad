import { z } from 'zod';

/**
 * The routing table of the provincial platforms (按责转办): which agency a request filed on a
 * platform — a provincial government service portal, the 12345 hotline platform — belongs to. A
 * platform files through `POST /v1/intake` with an integrator token whose `agency` claim is the
 * platform's id; its rules are tried in order, the first that matches names the agency, else the
 * platform's `default`, else the request is refused (no agency is guessed).
 */

/** The rule name a request routed by a platform's default is recorded with. */
export const DEFAULT_RULE = 'default';

/** A platform id, as the `agency` claim of the platform's integrator token spells it. */
const platformId = z.string().regex(/^[A-Za-z0-9_.]{1,64}$/, { error: 'a platform id is the agency claim of its token: letters, digits, _ and .' });
const agencyId = z.string().regex(/^[A-Za-z0-9_.]{1,64}$/, { error: 'an agency id: letters, digits, _ and .' });
/** 行政区划代码 or a prefix of one: 44 (province), 4401 (city), 440104 (district). */
const regionCode = z.string().regex(/^\d{2,12}$/, { error: 'a region code (行政区划代码) or its prefix: 2–12 digits' });

/** Where a platform's requests come from, recorded as the receipt evidence's `platform`. */
export const PLATFORM_KINDS = ['provincial-portal', 'hotline-12345', 'government-system'] as const;
export type PlatformKind = (typeof PLATFORM_KINDS)[number];

const ruleSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'a rule id: letters, digits, _, . and -' }).refine((id) => id !== DEFAULT_RULE, { error: `"${DEFAULT_RULE}" names the platform's default` }),
    /** The request's category must be one of these (exact); absent: any category, or none. */
    category: z.array(z.string().trim().min(1).max(200)).min(1).optional(),
    /** The request's region code must start with one of these; absent: any region, or none. */
    region: z.array(regionCode).min(1).optional(),
    agency: agencyId,
  })
  .strict();

const platformSchema = z
  .object({
    kind: z.enum(PLATFORM_KINDS),
    rules: z.array(ruleSchema).max(10_000),
    /** The agency for a request no rule matches; absent: such a request is refused. */
    default: agencyId.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    for (const [i, r] of p.rules.entries()) {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `rule id ${r.id} is used twice` });
      seen.add(r.id);
    }
  });

/** The whole table: platform id → its kind, ordered rules and default. */
export const routingTableSchema = z.record(platformId, platformSchema);
export type RoutingTable = z.infer<typeof routingTableSchema>;


/** What the platform says about a request, to route it by. */
export interface RoutingFacts {
  readonly category?: string | undefined;
  readonly regionCode?: string | undefined;
}

/** Where a request goes, and the rule that sent it there. */
export interface Route {
  readonly agency: string;
  readonly rule: string;
}

/**
 * The agency a platform's request belongs to: the first rule whose every condition holds (a
 * category among its categories, a region code starting with one of its prefixes), else the
 * platform's default; null when neither gives one.
 * @example routeRequest(table.gdzwfw, { category: '财政', regionCode: '440104' }) // { agency: 'yuexiu-finance', rule: 'finance-yuexiu' }
 */
export function routeRequest(platform: RoutingTable[string], facts: RoutingFacts): Route | null {
  for (const rule of platform.rules) {
    if (rule.category && (facts.category === undefined || !rule.category.includes(facts.category))) continue;
    if (rule.region && (facts.regionCode === undefined || !rule.region.some((prefix) => facts.regionCode!.startsWith(prefix)))) continue;
    return { agency: rule.agency, rule: rule.id };
  }
  return platform.default === undefined ? null : { agency: platform.default, rule: DEFAULT_RULE };
}
