import { Module } from '@nestjs/common';
import { PlatformModule } from '@hosp/platform-runtime';
import { serviceDefinition } from './service.definition';

@Module({
  imports: [PlatformModule.forService(serviceDefinition)],
})
export class AppModule {}
