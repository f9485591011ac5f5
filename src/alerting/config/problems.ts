/** A semantic problem found after the structural parse: where (key path) and what. */
export interface Problem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Collects problems; checks keep going so one load reports them all. */
export class Problems {
  readonly list: Problem[] = [];
  add(path: readonly (string | number)[], message: string): void {
    this.list.push({ path, message });
  }
}
