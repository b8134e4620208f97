import { Transcoding } from 'dcmjs-dimse';

let initializing: Promise<void> | undefined;

/**
 * Loads dcmjs-codecs (WebAssembly, ~30 ms) so that an object can be sent to a peer that did not accept its
 * transfer syntax (decompressed to what the peer accepted). Objects are stored as received regardless.
 */
export function initializeTranscoding(): Promise<void> {
  initializing ??= Transcoding.isInitialized() ? Promise.resolve() : Transcoding.initializeAsync();
  return initializing;
}
