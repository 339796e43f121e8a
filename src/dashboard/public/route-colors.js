// Distinct, colour-blind-friendly hues (Okabe-Ito first, then a few darker ones): route i keeps colour i % n.
const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#7a5195', '#2f4b7c', '#665191',
  '#a05195', '#1b7837', '#8c510a'];

/** @param {number} index */
export function routeColor(index) {
  return PALETTE[index % PALETTE.length];
}
