export { signRequest, type SignRequestInput, type SignatureHeaders } from './sign-request.js';
export { verifyRequest } from './verify-request.js';
export { digestHeaderValue } from './digest.js';
export { DEFAULT_MAX_SKEW_SECONDS } from './clock.js';
export { DEFAULT_MINIMUM_RSA_BITS } from './key-resolution.js';
export type {
  HeaderRecord,
  KeyResolver,
  ResolvedKey,
  VerificationFailure,
  VerificationFailureType,
  VerificationResult,
  VerificationSuccess,
  VerifyRequestOptions,
} from './types.js';
export * from './signature-params.js';
export * from './signing-string.js';
