import { createRegistry, type DescMessage, type Registry } from '@bufbuild/protobuf';
import { EnvelopeSchema } from './gen/hosp/platform/v1/envelope_pb';
import { AllTopics } from './topics';

/**
 * Every event message type in the catalogue, for decoding by `ce_type` and for JSON rendering
 * (protobuf JSON mapping needs the registry to resolve nested types).
 */
export const EventRegistry: Registry = createRegistry(
  EnvelopeSchema,
  ...AllTopics.flatMap((t) => t.messages),
);

export function eventSchema(typeName: string): DescMessage | undefined {
  return EventRegistry.getMessage(typeName);
}
