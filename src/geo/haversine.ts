/** Geo code reaches the one straight-line model through here (its home is the import-free solver). */
export { EARTH_RADIUS_M, haversineM } from '../solver/straight-line.js';
