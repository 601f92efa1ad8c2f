/**
 * Query strings can carry identifiers (`?mrn=…`, `?name=…`), so neither spans nor logs keep them.
 * Works on absolute URLs and on request targets (`/path?x=1`); a fragment goes too.
 */
export function urlWithoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}
