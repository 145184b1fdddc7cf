/** A form field as text: the fallback when it is missing or a file (never "[object File]"). */
export function formText(form: { get(name: string): FormDataEntryValue | null }, name: string, fallback = ""): string {
  const value = form.get(name);
  return typeof value === "string" ? value : fallback;
}
