/**
 * Upcasters turn an event stored in an old schema version into the current shape as it is
 * read. Stored bytes never change. One function per (type, fromVersion), each lifting exactly
 * one version; they chain (1 -> 2 -> 3) until none is registered for the version reached.
 */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

export interface UpcastResult {
  readonly schemaVersion: number;
  readonly data: unknown;
}

export class UpcasterRegistry {
  private readonly byKey = new Map<string, Upcaster>();

  register(type: string, fromVersion: number, upcaster: Upcaster): this {
    const key = `${type}@${fromVersion}`;
    if (this.byKey.has(key)) throw new Error(`An upcaster for ${type} from schema version ${fromVersion} is already registered`);
    this.byKey.set(key, upcaster);
    return this;
  }

  get size(): number {
    return this.byKey.size;
  }

  upcast(type: string, schemaVersion: number, data: unknown): UpcastResult {
    let version = schemaVersion;
    let current = data as Record<string, unknown>;
    for (let guard = 0; guard < 1000; guard++) {
      const next = this.byKey.get(`${type}@${version}`);
      if (!next) return { schemaVersion: version, data: current };
      current = next(current);
      version += 1;
    }
    throw new Error(`Upcasting ${type} from schema version ${schemaVersion} did not terminate`);
  }
}
