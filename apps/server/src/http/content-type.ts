/**
 * Whether a Content-Type names JSON in UTF-8: application/json or any application/*+json, with no charset or a
 * UTF-8 one. Ingest refuses anything else (415): a text/plain or form post is a browser's cross-site "simple request".
 */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const [mediaType = "", ...params] = header.split(";");
  const type = mediaType.trim().toLowerCase();
  if (type !== "application/json" && !(type.startsWith("application/") && type.endsWith("+json"))) return false;
  return params.every((param) => {
    const [name = "", value = ""] = param.split("=", 2).map((part) => part.trim().toLowerCase());
    return name !== "charset" || ["utf-8", "utf8", '"utf-8"'].includes(value);
  });
}
