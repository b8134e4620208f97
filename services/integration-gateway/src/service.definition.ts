import { Topics } from '@hosp/contracts';
import type { ServiceDefinition } from '@hosp/platform-runtime';
import { serviceMigrations } from '../migrations';

export const serviceDefinition: ServiceDefinition = {
  service: 'integration-gateway',
  title: 'Integration gateway: HL7 v2 over MLLP, ASTM, the message store, FHIR R4',
  defaultPort: 3006,
  migrations: serviceMigrations,
  produces: [Topics.GatewayHl7Inbound, Topics.GatewayAnalyzerResult],
};
