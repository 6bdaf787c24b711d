/**
 * Proactive content negotiation (RFC 9110 §12.5.1): which of the `offers` an `Accept` header prefers. Higher `q`
 * wins; among equal `q`, the range the client listed first; a `q=0` range excludes. `*` ranges match any offer
 * they cover, but an exact range for an offer overrides them. No header (or an empty one) accepts the first offer.
 */
export const negotiate = (accept: string | undefined, offers: readonly string[]): string | undefined => {
  if (!accept?.trim()) return offers[0];
  const ranges = accept
    .split(',')
    .map((part, position) => {
      const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { range, q: Number.isFinite(weight) ? weight : 0, position };
    })
    .filter((r) => r.range.includes('/'));

  const specificity = (range: string) => (range === '*/*' ? 0 : range.endsWith('/*') ? 1 : 2);
  const covers = (range: string, offer: string) =>
    range === '*/*' || range === offer || (range.endsWith('/*') && offer.startsWith(range.slice(0, -1)));

  let best: { offer: string; q: number; position: number; order: number } | undefined;
  offers.forEach((offer, order) => {
    const matching = ranges.filter((r) => covers(r.range, offer.toLowerCase()));
    if (matching.length === 0) return;
    // The most specific matching range decides the offer's weight.
    const top = Math.max(...matching.map((r) => specificity(r.range)));
    const decisive = matching.filter((r) => specificity(r.range) === top);
    const q = Math.max(...decisive.map((r) => r.q));
    if (q <= 0) return;
    const position = Math.min(...decisive.filter((r) => r.q === q).map((r) => r.position));
    // Exact ranges beat wildcards at equal q: `*/*` must not outrank a type the client named.
    const rank = { offer, q, position: top === 2 ? position : Number.MAX_SAFE_INTEGER - (2 - top), order };
    if (
      !best ||
      q > best.q ||
      (q === best.q && (rank.position < best.position || (rank.position === best.position && order < best.order)))
    ) {
      best = rank;
    }
  });
  return best?.offer;
};
