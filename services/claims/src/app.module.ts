import { Module } from '@nestjs/common';
import { PlatformModule } from '@hosp/platform-runtime';
import { CatalogController } from './catalog/transport/catalog.controller';
import { CheckInService } from './claims/application/check-in.service';
import { ClaimsService } from './claims/application/claims.service';
import { FacilitySigner } from './claims/application/facility-signer';
import { OverdueClaims } from './claims/application/overdue-claims';
import { ClaimsController } from './claims/transport/claims.controller';
import { EpisodesService } from './episodes/application/episodes.service';
import { HisEventsConsumer } from './episodes/transport/his-events.consumer';
import { ResultsEventsConsumer } from './episodes/transport/results-events.consumer';
import { serviceDefinition } from './service.definition';
import { CLAIMS_CONFIG, claimsConfigFromEnv } from './shared/application/config';
import { SubmissionWorker } from './submission/application/submission-worker';

@Module({
  imports: [PlatformModule.forService(serviceDefinition)],
  controllers: [ClaimsController, CatalogController],
  providers: [
    { provide: CLAIMS_CONFIG, useFactory: () => claimsConfigFromEnv() },
    FacilitySigner,
    ClaimsService,
    CheckInService,
    EpisodesService,
    HisEventsConsumer,
    ResultsEventsConsumer,
    SubmissionWorker,
    OverdueClaims,
  ],
})
export class AppModule {}
