import { z } from 'zod';
import { BUILTIN_PROFILES } from '@disclosure/calendar';

/** An agency the engine serves: its id (the prefix of its registration numbers), name and jurisdiction. */
export interface Agency {
  readonly id: string;
  readonly name: string;
  readonly jurisdiction: string;
}

/** The agencies of a deployment, by id. */
export class AgencyDirectory {
  readonly #byId: ReadonlyMap<string, Agency>;
  constructor(agencies: readonly Agency[]) {
    this.#byId = new Map(agencies.map((a) => [a.id, a]));
  }
  get(id: string): Agency | undefined {
    return this.#byId.get(id);
  }
  all(): readonly Agency[] {
    return [...this.#byId.values()];
  }
  /** The agency's time zone: today is counted there. */
  timeZone(id: string): string {
    const a = this.#byId.get(id);
    return BUILTIN_PROFILES.find((p) => p.jurisdiction === a?.jurisdiction)?.timeZone ?? 'UTC';
  }
}

/** AGENCIES: the agencies an instance serves, each with a jurisdiction the engine has a profile for. */
export const agencyListSchema = z
  .array(
    z
      .object({
        id: z.string().regex(/^[A-Za-z0-9_.]{1,64}$/, { error: 'an agency id (the agency claim of its tokens): letters, digits, _ and .' }),
        name: z.string().trim().min(1).max(200),
        jurisdiction: z.string().refine((j) => BUILTIN_PROFILES.some((p) => p.jurisdiction === j), { error: `a jurisdiction with a profile: ${[...new Set(BUILTIN_PROFILES.map((p) => p.jurisdiction))].join(', ')}` }),
      })
      .strict(),
  )
  .min(1)
  .refine((list) => new Set(list.map((a) => a.id)).size === list.length, { error: 'an agency id is listed twice' });

/** The demo agency `pnpm start` creates. */
export const DEMO_AGENCY: Agency = { id: 'demo', name: '示范市人民政府办公室 (demo)', jurisdiction: 'CN' };
