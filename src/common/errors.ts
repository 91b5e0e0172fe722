// User-facing failures. Every error a user can cause is an EngineError with a
// stable SQLSTATE code and, where the input has one, a source position.
// Programmer errors (broken invariants) go through `assert` instead and map to
// HTTP 500; see server/error-handler.ts for the one place codes meet statuses.

/** SQLSTATE codes Freshet raises, named as in PostgreSQL's errcodes table. */
export const SqlState = {
  syntaxError: '42601',
  undefinedTable: '42P01',
  indeterminateDatatype: '42P18',
  undefinedColumn: '42703',
  undefinedFunction: '42883',
  undefinedParameter: '42P02',
  undefinedObjectType: '42704',
  invalidRowCountInLimit: '2201W',
  invalidRowCountInOffset: '2201X',
  ambiguousColumn: '42702',
  duplicateTable: '42P07',
  duplicateAlias: '42712',
  windowingError: '42P20',
  invalidRecursion: '42P19',
  invalidRegularExpression: '2201B',
  invalidPrecedingOrFollowingSize: '22013',
  duplicateColumn: '42701',
  datatypeMismatch: '42804',
  cannotCoerce: '42846',
  groupingError: '42803',
  invalidTableDefinition: '42P16',
  invalidColumnReference: '42P10',
  dependentObjectsStillExist: '2BP01',
  wrongObjectType: '42809',
  featureNotSupported: '0A000',
  objectNotInPrerequisiteState: '55000',
  objectInUse: '55006',
  divisionByZero: '22012',
  numericValueOutOfRange: '22003',
  invalidTextRepresentation: '22P02',
  invalidDatetimeFormat: '22007',
  datetimeFieldOverflow: '22008',
  invalidParameterValue: '22023',
  invalidArgumentForLogarithm: '2201E',
  invalidArgumentForPower: '2201F',
  substringError: '22011',
  invalidEscapeCharacter: '22019',
  invalidEscapeSequence: '22025',
  stringDataRightTruncation: '22001',
  notNullViolation: '23502',
  uniqueViolation: '23505',
  cardinalityViolation: '21000',
  invalidRequest: '08P01',
  programLimitExceeded: '54000',
  statementTooComplex: '54001',
  adminShutdown: '57P01',
  diskFull: '53100',
  ioError: '58030',
  internalError: 'XX000',
  dataCorrupted: 'XX001',
} as const;
export type SqlStateCode = (typeof SqlState)[keyof typeof SqlState];

/** Where in the SQL text an error points: 1-based, as PostgreSQL reports it. */
export interface SourcePosition {
  /** 1-based character offset into the whole request text. */
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export class EngineError extends Error {
  override readonly name = 'EngineError';
  /** In a multi-statement request: the 0-based index of the statement that failed
   *  (the ones before it were committed). */
  statementIndex: number | undefined;
  /** In a multi-statement request: the results of the statements that committed
   *  before the failing one, so callers can still show them. */
  completedResults: readonly unknown[] | undefined;
  constructor(
    readonly code: SqlStateCode,
    message: string,
    readonly position?: SourcePosition,
  ) {
    super(message);
  }
}

/** Shorthand for the common "this SQL construct is not supported" error. */
export function unsupported(construct: string, position?: SourcePosition): EngineError {
  return new EngineError(
    SqlState.featureNotSupported,
    `${construct} is not supported yet`,
    position,
  );
}
