/**
 * Clearing a form after its request succeeded without wiping what the operator typed meanwhile: take a snapshot
 * when it is sent, and on success reset only the fields that still hold what was sent.
 */
type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

export type FormSnapshot = ReadonlyMap<Field, string | boolean>;

const isField = (element: Element): element is Field =>
  element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement;
const isCheck = (field: Field): field is HTMLInputElement => field instanceof HTMLInputElement && (field.type === "checkbox" || field.type === "radio");
const valueOf = (field: Field) => (isCheck(field) ? field.checked : field.value);

export function snapshotForm(form: HTMLFormElement): FormSnapshot {
  return new Map([...form.elements].filter(isField).map((field) => [field, valueOf(field)] as const));
}

/** Synchronously resets each field still as it was sent; a field changed since (the next task being typed) stays. */
export function clearUnchanged(snapshot: FormSnapshot): void {
  for (const [field, sent] of snapshot) {
    if (!field.isConnected || valueOf(field) !== sent) continue;
    if (isCheck(field)) field.checked = field.defaultChecked;
    else if (field instanceof HTMLSelectElement) field.value = [...field.options].find((o) => o.defaultSelected)?.value ?? field.options[0]?.value ?? "";
    else field.value = field.defaultValue;
  }
}
