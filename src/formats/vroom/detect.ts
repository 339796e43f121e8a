/**
 * Tells VROOM's problem JSON from Milkrun's own problem JSON: both have `jobs` and `vehicles`, but VROOM's ids are
 * integers (Milkrun's strings), its places are `[lon, lat]` arrays or `*_index` keys, and only it has `matrix` or
 * `matrices` keyed by profile. Both have `shipments`: VROOM's have no `id` of their own (their steps do).
 */
export function looksLikeVroom(text: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const doc = json as Record<string, unknown>;
  if ('matrix' in doc) return true;
  const matrices = doc.matrices;
  if (typeof matrices === 'object' && matrices !== null && !('durations' in matrices) && !('size' in matrices)) return true;
  const first = (key: string): Record<string, unknown> | undefined => {
    const list = doc[key];
    return Array.isArray(list) && typeof list[0] === 'object' && list[0] !== null ? (list[0] as Record<string, unknown>) : undefined;
  };
  const job = first('jobs');
  const vehicle = first('vehicles');
  const shipment = first('shipments');
  if (shipment !== undefined && !('id' in shipment)) return true;
  return (
    typeof job?.id === 'number' ||
    typeof vehicle?.id === 'number' ||
    Array.isArray(job?.location) ||
    (job !== undefined && 'location_index' in job)
  );
}
