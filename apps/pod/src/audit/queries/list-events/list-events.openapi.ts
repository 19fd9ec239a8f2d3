import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { DataIntegrityProof, EventEnvelope } from '@swarmtube/event-envelope';

/** The OpenAPI shapes of the signed event envelope (libs/event-envelope/src/envelope.ts) and of the log's pages. */

@ApiSchema({ name: 'DataIntegrityProof', description: 'eddsa-jcs-2022 over the JCS form of every other field of the envelope.' })
export class DataIntegrityProofOpenApi implements DataIntegrityProof {
  @ApiProperty({ enum: ['DataIntegrityProof'] })
  type!: 'DataIntegrityProof';

  @ApiProperty({ enum: ['eddsa-jcs-2022'] })
  cryptosuite!: 'eddsa-jcs-2022';

  @ApiProperty({ description: '`<actor>#ed25519-key`: a Multikey in the actor\'s assertionMethod.' })
  verificationMethod!: string;

  @ApiProperty({ enum: ['assertionMethod'] })
  proofPurpose!: 'assertionMethod';

  @ApiProperty({ format: 'date-time', description: 'Whole seconds.' })
  created!: string;

  @ApiProperty({ description: '`z` + base58btc of the 64-byte Ed25519 signature.' })
  proofValue!: string;
}

@ApiSchema({ name: 'EventEnvelope', description: 'A signed event, as its origin signed it (docs/architecture.md, "How an event flows"; events/CATALOG.md). `data` follows events/<type>/v<schemaVersion>.schema.json.' })
export class EventEnvelopeOpenApi implements EventEnvelope {
  @ApiProperty({ description: '`urn:uuid:<uuidv7>`', example: 'urn:uuid:01890a5d-ac96-774b-bcce-b302099a8057' })
  id!: string;

  @ApiProperty({ example: 'VideoPublished' })
  type!: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  schemaVersion!: number;

  @ApiProperty({ format: 'uri', description: 'The actor URL of the pod where the event happened.' })
  origin!: string;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Gap-free per origin, from 1.' })
  originSeq!: number;

  @ApiProperty({ type: 'string', nullable: true, pattern: '^[0-9a-f]{64}$', description: 'Hex SHA-256 of the JCS form of the origin\'s previous event (proof included); null for originSeq 1.' })
  prevHash!: string | null;

  @ApiProperty({ example: 'video:0b7c7a4e-3c1e-4f7e-9a43-1f1b0c3d2e5f' })
  stream!: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Per type and version: events/<type>/v<schemaVersion>.schema.json.' })
  data!: unknown;

  @ApiProperty({ type: () => DataIntegrityProofOpenApi })
  proof!: DataIntegrityProofOpenApi;
}

@ApiSchema({ name: 'EventsPage', description: 'A page of the log. Each event is its exact signed bytes, so an auditor can check the proofs and the hash chain.' })
export class EventsPageOpenApi {
  @ApiProperty({ type: () => [EventEnvelopeOpenApi] })
  events!: EventEnvelopeOpenApi[];

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Pass back as `after` for the next page (the same cursor when the page is empty).' })
  next!: number;
}
