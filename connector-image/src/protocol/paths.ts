/** A pid as a URL path segment: reserved characters escaped, but ':' and '@' kept as RFC 3986 allows (urn:uuid:…). */
export function pidSegment(pid: string): string {
  return encodeURIComponent(pid).replace(/%3A/gi, ':').replace(/%40/g, '@');
}
