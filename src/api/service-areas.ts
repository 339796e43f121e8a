/**
 * How stop writes learn their service area. `app.serviceAreas` holds the implementation; the service-areas module
 * provides the real one. `locate` throws `DomainError('outside_service_area')` when the organization has areas and
 * none contains the point.
 */
export interface ServiceAreaLocator {
  locate(organizationId: string, lat: number, lng: number): { areaId: string | null };
}

/** Used until service areas are configured: every point is accepted, in no area. */
export const acceptEverywhere: ServiceAreaLocator = {
  locate: () => ({ areaId: null }),
};
