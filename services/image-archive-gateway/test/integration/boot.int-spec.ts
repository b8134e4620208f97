import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeServiceConformance } from '@hosp/service-testing';
import { AppModule } from '../../src/app.module';
import { serviceDefinition } from '../../src/service.definition';

// The DICOM listener on a free port and the object store in a directory of the test's own.
process.env['DICOM_PORT'] = '0';
process.env['ARCHIVE_ROOT'] = mkdtempSync(join(tmpdir(), 'archive-boot-'));

describeServiceConformance(AppModule, serviceDefinition);
