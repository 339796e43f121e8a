/**
 * How stop writes learn their service area. `app.serviceAreas` holds the implementation; `ServiceAreaStore`
 * (service-areas.ts) is the real one. `locate` throws `DomainError('outside_service_area')` when the organization
 * has areas and none contains the point.
 */
export interface ServiceAreaLocator {
  locate(organizationId: string, lat: number, lng: number): { areaId: string | null };
}
