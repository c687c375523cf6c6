// FunctionGraph's error body, built from its error texts (contract/errors.ts).
import { ERROR_TEXT, type ErrorReason } from '../contract/errors.js';

export { ERROR_TEXT, type ErrorReason };


/** FunctionGraph's error body. */
export interface ErrorBody {
  errorMessage: string;
  errorType: string;
  stackTrace: string[];
}

export function errorBody(key: ErrorReason, errorType: string, message: string, stackTrace: string[] = []): ErrorBody {
  return { errorMessage: ERROR_TEXT[key].prefix + message, errorType, stackTrace };
}
