// API errors as the real server reports them: a typed error that renders to a
// `Status` object with the matching HTTP code and reason, which clients switch on.

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'BadRequest'
  | 'Invalid'
  | 'Expired'
  | 'Gone'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'UnsupportedMediaType'
  | 'InternalError'
  | 'Timeout';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason?: string; message: string; field?: string }[];
}

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: StatusReason | '';
  details?: StatusDetails;
  code: number;
}

/** An error the API server answers with as a `Status` (never thrown out of a request). */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): StatusObject {
    const s: StatusObject = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** `pods "x" not found`: the wording kubectl prints. */
export function notFound(resource: string, group: string, name: string): ApiError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new ApiError(404, 'NotFound', `${qualified} "${name}" not found`, { name, group, kind: resource });
}

export function alreadyExists(resource: string, group: string, name: string): ApiError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new ApiError(409, 'AlreadyExists', `${qualified} "${name}" already exists`, { name, group, kind: resource });
}

export function conflict(resource: string, group: string, name: string, why: string): ApiError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified} "${name}": ${why}`,
    { name, group, kind: resource },
  );
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function invalid(kind: string, group: string, name: string, field: string, message: string): ApiError {
  const qualified = group ? `${kind}.${group}` : kind;
  return new ApiError(422, 'Invalid', `${qualified} "${name}" is invalid: ${field}: ${message}`, {
    name,
    group,
    kind,
    causes: [{ reason: 'FieldValueInvalid', message, field }],
  });
}

/** 410 Expired: a resourceVersion or continue token older than what is kept. */
export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}
