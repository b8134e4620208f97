import { Topics } from '@hosp/contracts';
import type { ServiceDefinition } from '@hosp/platform-runtime';
import { serviceMigrations } from '../migrations';

export const serviceDefinition: ServiceDefinition = {
  service: 'image-archive-gateway',
  title: 'Image archive gateway: DICOM storage, worklist, MPPS, query/retrieve and DICOMweb',
  defaultPort: 3004,
  migrations: serviceMigrations,
  produces: [Topics.PacsStudy, Topics.PacsMpps],
};
