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

/** The demo agency `pnpm start` creates. */
export const DEMO_AGENCY: Agency = { id: 'demo', name: '示范市人民政府办公室 (demo)', jurisdiction: 'CN' };
