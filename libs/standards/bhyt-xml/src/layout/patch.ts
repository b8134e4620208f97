import type { CodeList } from './code-lists';
import type { EnvelopeDef, FieldDef, Layout, LayoutId, TableDef, TableId, TableSpec } from './types';

/**
 * Later decisions are written as PATCHES of the version before them, never as copies, so each decision's
 * change is visible in one place (spec §0 [I]: "each decision only patches the previous one; nobody publishes a
 * consolidated text"). A patch can change properties of existing fields, insert new fields after a named one,
 * remove fields, add whole tables and change the envelope. applyPatch() refuses a patch that names a field or
 * table that does not exist, so a typo in a patch fails at module load (and in the unit tests), not in a claim.
 */

/** New values for some properties of one field (the name cannot change: that is a remove plus an insert). */
export type FieldChange = Partial<Omit<FieldDef, 'name'>>;

export interface FieldInsert {
  /** The existing field the new ones follow; '' inserts at the start. */
  readonly after: string;
  readonly fields: readonly FieldDef[];
}

export interface TableChanges {
  readonly change?: Readonly<Record<string, FieldChange>>;
  readonly insert?: readonly FieldInsert[];
  readonly remove?: readonly string[];
}

export type TablePatch = { readonly add: TableSpec } | TableChanges;

export interface LayoutPatch {
  readonly id: LayoutId;
  readonly title: string;
  readonly effectiveFrom: string;
  readonly basis: string;
  /** The change in words, one line per change; kept on the resulting Layout. */
  readonly changes: readonly string[];
  readonly tables: Readonly<Partial<Record<TableId, TablePatch>>>;
  readonly envelope?: Partial<EnvelopeDef>;
}

/** The FieldChange that swaps a field's code list. */
export function codeChange(list: CodeList): FieldChange {
  return { codes: list.codes, codeList: list.label };
}

/** The FieldChange of QĐ 4750's "type → String": a string has no number format. */
export const TO_STRING: FieldChange = { type: 'S', format: null };

/** Stamps the layout id on table specs (the base version and tables added by a patch). */
export function stampTable(spec: TableSpec, layoutId: LayoutId): TableDef {
  assertUniqueNames(spec.id, spec.fields);
  return { ...spec, layoutId };
}

export function applyPatch(base: Layout, patch: LayoutPatch): Layout {
  if (patch.effectiveFrom <= base.effectiveFrom) {
    throw new Error(
      `${patch.id} (${patch.effectiveFrom}) must take effect after ${base.id} (${base.effectiveFrom})`,
    );
  }
  const tables: Partial<Record<TableId, TableDef>> = {};
  for (const [id, table] of Object.entries(base.tables) as [TableId, TableDef][]) {
    tables[id] = { ...table, layoutId: patch.id };
  }
  for (const [id, tablePatch] of Object.entries(patch.tables) as [TableId, TablePatch][]) {
    const existing = tables[id];
    if ('add' in tablePatch) {
      if (existing) throw new Error(`${patch.id} adds ${id}, which ${base.id} already has`);
      if (tablePatch.add.id !== id)
        throw new Error(`${patch.id}: table ${tablePatch.add.id} filed under ${id}`);
      tables[id] = stampTable(tablePatch.add, patch.id);
      continue;
    }
    if (!existing) throw new Error(`${patch.id} changes ${id}, which ${base.id} does not have`);
    tables[id] = { ...existing, fields: patchFields(`${patch.id} ${id}`, existing.fields, tablePatch) };
  }
  const envelope: EnvelopeDef = { ...base.envelope, ...patch.envelope };
  for (const id of envelope.tables) {
    if (!tables[id])
      throw new Error(`${patch.id}: the envelope lists ${id}, which the layout does not define`);
  }
  return {
    id: patch.id,
    title: patch.title,
    effectiveFrom: patch.effectiveFrom,
    basis: patch.basis,
    changes: patch.changes,
    tables,
    envelope,
  };
}

function patchFields(where: string, fields: readonly FieldDef[], patch: TableChanges): FieldDef[] {
  const names = new Set(fields.map((f) => f.name));
  const need = (name: string, what: string): void => {
    if (!names.has(name)) throw new Error(`${where}: ${what} ${name}, which does not exist`);
  };
  for (const name of patch.remove ?? []) need(name, 'removes');
  for (const name of Object.keys(patch.change ?? {})) need(name, 'changes');
  for (const insert of patch.insert ?? []) if (insert.after !== '') need(insert.after, 'inserts after');

  const removed = new Set(patch.remove ?? []);
  let result = fields
    .filter((f) => !removed.has(f.name))
    .map((f) => {
      const change = patch.change?.[f.name];
      return change ? { ...f, ...change, name: f.name } : f;
    });
  for (const insert of patch.insert ?? []) {
    const at = insert.after === '' ? 0 : result.findIndex((f) => f.name === insert.after) + 1;
    if (at === 0 && insert.after !== '') throw new Error(`${where}: inserts after removed ${insert.after}`);
    result = [...result.slice(0, at), ...insert.fields, ...result.slice(at)];
  }
  assertUniqueNames(where, result);
  return result;
}

function assertUniqueNames(where: string, fields: readonly FieldDef[]): void {
  const seen = new Set<string>();
  for (const field of fields) {
    if (seen.has(field.name)) throw new Error(`${where}: field ${field.name} appears twice`);
    seen.add(field.name);
  }
}
