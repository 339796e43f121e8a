import type { ServiceAreaLocator } from '../store/service-area-locator.js';

/** Used until service areas are configured: every point is accepted, in no area. */
export const acceptEverywhere: ServiceAreaLocator = {
  locate: () => ({ areaId: null }),
};
