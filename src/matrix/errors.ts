/**
 * A Matrix error response (`errcode`) that the caller may want to interpret, such as
 * M_NOT_FOUND or M_FORBIDDEN: only the caller knows whether that means "no such room" or
 * "not world-readable".
 */
export class MatrixApiError extends Error {
  override name = 'MatrixApiError';
  constructor(
    readonly httpStatus: number,
    readonly errcode: string,
    readonly error: string,
  ) {
    super(`${httpStatus} ${errcode}: ${error}`);
  }
}
