import { Controller, Get } from '@nestjs/common';
import { CSV_EXAMPLE, RECORD_EXAMPLES } from './record-examples';

const recordError = {
  type: 'object',
  required: ['path', 'code', 'message'],
  properties: {
    path: { type: 'string', example: 'data.practiceCode', description: "field path; '' for the record as a whole" },
    code: { type: 'string', example: 'NOT_YOUR_PRACTICE' },
    message: { type: 'string', example: 'practice A81001 was commissioned by 16C on 2023-01-10, not by 01Y' },
  },
};
const submissionRecord = {
  type: 'object',
  required: ['type', 'source', 'occurredAt', 'data'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', example: 'BusinessContinuityPlanReviewed' },
    schemaVersion: { type: 'integer', minimum: 1, default: 1 },
    source: {
      type: 'object',
      required: ['system', 'recordId'],
      properties: { system: { type: 'string', maxLength: 200 }, recordId: { type: 'string', maxLength: 500 } },
    },
    occurredAt: { type: 'string', format: 'date-time', example: '2022-07-12T10:00:00Z' },
    data: { type: 'object', description: "the event's fields: the proto3 JSON form of gpds.events.v1.<type> (proto/)" },
  },
};
const submissionResponse = {
  type: 'object',
  required: ['accepted', 'duplicates', 'rejected', 'results'],
  properties: {
    error: {
      type: 'object',
      description: 'present on 400, 413 and 503: why reading stopped',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
    accepted: { type: 'integer' },
    duplicates: { type: 'integer' },
    rejected: { type: 'integer' },
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'status'],
        properties: {
          index: { type: 'integer' },
          status: { type: 'string', enum: ['accepted', 'duplicate', 'rejected'] },
          eventId: { type: 'string', format: 'uuid' },
          errors: { type: 'array', items: recordError },
        },
      },
    },
  },
};

/** One named example per submittable type (the same records as docs/submission-api.md's). */
const recordExamples = Object.fromEntries(
  Object.values(RECORD_EXAMPLES).map(({ area, summary, record }) => [record.type, { summary: `${area}: ${summary}`, value: record }]),
);

/** The HTTP submission connector's OpenAPI 3.1 description (also at GET /openapi.json). */
export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'GP digital services platform: submission API',
    version: '1.0.0',
    description:
      'Commissioners and national feeds send facts about GP practices. One record = one fact; each record is answered accepted, duplicate or rejected. See docs/submission-api.md.',
  },
  components: {
    securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'an API key: Authorization: Bearer gpds_...' } },
    schemas: { SubmissionRecord: submissionRecord, SubmissionResponse: submissionResponse, RecordError: recordError },
  },
  security: [{ apiKey: [] }],
  paths: {
    '/v1/submissions': {
      post: {
        summary: 'Submit facts (submitter or admin role)',
        parameters: [
          {
            name: 'Content-Encoding',
            in: 'header',
            required: false,
            schema: { type: 'string', enum: ['identity', 'gzip', 'deflate', 'br'] },
            description: 'a compressed body is decoded as it streams; the size limit counts the decoded bytes',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                oneOf: [{ $ref: '#/components/schemas/SubmissionRecord' }, { type: 'array', items: { $ref: '#/components/schemas/SubmissionRecord' } }],
              },
              examples: recordExamples,
            },
            'application/x-ndjson': { schema: { type: 'string', description: 'one SubmissionRecord JSON per line' } },
            'text/csv': {
              schema: {
                type: 'string',
                description:
                  'header row of field paths: type, schemaVersion, source.system, source.recordId, occurredAt, data.<field>; lists split on |; numbers as written; an empty cell leaves the field out; a yes/no field is true or false',
              },
              examples: { RemoteAccessCapacityAssessed: { summary: 'two practices, one record a row', value: CSV_EXAMPLE } },
            },
          },
        },
        responses: {
          '200': { description: 'every record answered', content: { 'application/json': { schema: { $ref: '#/components/schemas/SubmissionResponse' } } } },
          '400': {
            description: 'the body cannot be read at all (records read before the failure are answered too)',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/SubmissionResponse' } } },
          },
          '401': { description: 'no valid API key' },
          '403': { description: 'the key role may not submit' },
          '413': {
            description: 'the body is over the limit; records before it were processed and are answered',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/SubmissionResponse' } } },
          },
          '415': { description: 'unsupported Content-Type or Content-Encoding' },
          '503': {
            description: 'the platform failed while storing: every record read is answered (stored ones accepted, the others NOT_STORED); send those again',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/SubmissionResponse' } } },
          },
        },
      },
    },
    '/v1/admin/keys': {
      post: {
        summary: 'Create an API key (admin role)',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['organisation', 'role'],
                properties: {
                  organisation: { type: 'string', example: '16C' },
                  role: { type: 'string', enum: ['submitter', 'analyst', 'admin'] },
                  scope: {
                    type: 'string',
                    example: 'QWE',
                    description:
                      'ENG, a region, an ICB or a commissioner whose detail the key may read (default: the organisation; a submitter: its organisation)',
                  },
                  expiresIn: {
                    type: 'string',
                    example: '90d',
                    description: 'how long the key works (d, h, m or s; at most 730d); analysts default to 90d, others to never',
                  },
                },
              },
            },
          },
        },
        responses: {
          '201': { description: 'the new key, shown once: {"key": "gpds_...", "keyId", "organisation", "role", "scope", "expiresAt"}' },
          '400': {
            description:
              'INVALID_FIELD (path): a bad role, scope or duration, or an organisation the reference data does not know (submitter keys: commissioners only)',
          },
          '401': { description: 'no valid API key' },
          '403': { description: 'not an admin key' },
        },
      },
      get: {
        summary: 'List the API keys, without their secrets (admin role)',
        responses: {
          '200': {
            description:
              '{"keys": [{"keyId", "organisation", "role", "scope", "status" (active, expired, revoked), "createdAt", "createdBy", "expiresAt", "lastUsedAt", "revokedAt", "rotatedFrom"}]}',
          },
          '401': { description: 'no valid API key' },
          '403': { description: 'not an admin key' },
        },
      },
    },
    '/v1/admin/keys/{keyId}': {
      delete: {
        summary: 'Revoke an API key (admin role)',
        parameters: [{ name: 'keyId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9]{16}$' } }],
        responses: {
          '200': { description: 'revoked' },
          '400': { description: 'not a key id' },
          '404': { description: 'no such key in use' },
          '409': { description: 'a key cannot revoke itself' },
        },
      },
    },
    '/v1/admin/keys/{keyId}/rotate': {
      post: {
        summary: 'Rotate an API key: a new key with the same organisation, role and scope; the old one works until the grace period ends (admin role)',
        parameters: [{ name: 'keyId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9]{16}$' } }],
        requestBody: {
          required: false,
          content: { 'application/json': { schema: { type: 'object', properties: { grace: { type: 'string', example: '7d' } } } } },
        },
        responses: {
          '201': { description: 'the new key, shown once, and until when the old one works: {"key", "keyId", ..., "oldKeyId", "oldKeyExpiresAt"}' },
          '400': { description: 'INVALID_FIELD: a bad grace period' },
          '404': { description: 'no such key' },
          '409': { description: 'KEY_NOT_ROTATABLE: revoked, expired or rotated already (reason)' },
        },
      },
    },
    '/v1/admin/hierarchy-evidence': {
      post: {
        summary: "Record a source's hierarchy evidence: a publication's placements for its month, or a mapping file (admin role)",
        description:
          'What `npm run cli -- import-publication` sends before the samples when a platform is running (docs/organisations.md). Answers once the platform checks records against it.',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['source', 'evidence', 'from', 'to', 'complete', 'organisations'],
                properties: {
                  source: { type: 'string', example: 'online-consultation 2025-11' },
                  evidence: { type: 'string', enum: ['MAPPING_FILE', 'PUBLICATION'] },
                  from: { type: 'string', format: 'date', example: '2025-11-01' },
                  to: { type: 'string', format: 'date', example: '2025-12-01', description: 'exclusive' },
                  complete: { type: 'boolean', description: 'true for a mapping file: an organisation it does not name was not open' },
                  organisations: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['code', 'level', 'name', 'postcode', 'parents'],
                      properties: {
                        code: { type: 'string', example: 'C83033' },
                        level: { type: 'string', enum: ['PRACTICE', 'PCN', 'COMMISSIONER', 'ICB', 'REGION'] },
                        name: { type: 'string' },
                        postcode: { type: 'string' },
                        parents: {
                          type: 'object',
                          description: "relationship -> parent code ('' for none)",
                          example: { MEMBER_OF_PCN: 'U56215', COMMISSIONED_BY: '71E', IN_ICB: 'QOQ' },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'what it recorded: {"source", "outcome", "eventsAppended", "practices", "agreed", "added", "differed", "learned", "timelinesChanged"}',
          },
          '400': { description: 'MALFORMED_JSON, or INVALID_EVIDENCE with the problems field by field' },
          '401': { description: 'no valid API key' },
          '403': { description: 'not an admin key' },
        },
      },
    },
    '/health': {
      get: {
        summary: 'Liveness and readiness',
        security: [],
        responses: { '200': { description: 'ready' }, '503': { description: 'not ready: notReady names what' } },
      },
    },
  },
};

@Controller()
export class OpenApiController {
  @Get('openapi.json')
  document(): typeof OPENAPI_DOCUMENT {
    return OPENAPI_DOCUMENT;
  }
}
