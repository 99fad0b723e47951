// Errors are values with a code a client can act on (sent as Bolt FAILURE {code, message}).
// Codes follow Neo4j's status codes where the drivers act on them (retry on
// `*TransientError*`, routing on NotALeader / ForbiddenOnReadOnlyDatabase) and
// Memgraph's where Memgraph users match on them.

export const Codes = {
  SyntaxError: 'Neo.ClientError.Statement.SyntaxError',
  SemanticError: 'Neo.ClientError.Statement.SemanticError',
  TypeError: 'Neo.ClientError.Statement.TypeError',
  ArgumentError: 'Neo.ClientError.Statement.ArgumentError',
  ArithmeticError: 'Neo.ClientError.Statement.ArithmeticError',
  ParameterMissing: 'Neo.ClientError.Statement.ParameterMissing',
  EntityNotFound: 'Neo.ClientError.Statement.EntityNotFound',
  ConstraintValidationFailed: 'Neo.ClientError.Schema.ConstraintValidationFailed',
  ConstraintVerificationFailed: 'Neo.ClientError.Schema.ConstraintVerificationFailed',
  ProcedureNotFound: 'Neo.ClientError.Procedure.ProcedureNotFound',
  /** Write-write conflict: retried by the drivers (code contains "TransientError"). */
  Conflict: 'Memgraph.TransientError.MemgraphError.MemgraphError',
  TransactionTimedOut: 'Neo.ClientError.Transaction.TransactionTimedOut',
  InvalidBookmark: 'Neo.ClientError.Transaction.InvalidBookmark',
  /** Generic client error Memgraph reports for most query failures. */
  MemgraphClientError: 'Memgraph.ClientError.MemgraphError.MemgraphError',
  RequestInvalid: 'Neo.ClientError.Request.Invalid',
  ProtocolError: 'Neo.ClientError.Request.InvalidFormat',
  Unauthorized: 'Neo.ClientError.Security.Unauthorized',
  DatabaseNotFound: 'Neo.ClientError.Database.DatabaseNotFound',
  NotALeader: 'Neo.ClientError.Cluster.NotALeader',
  ForbiddenOnReadOnlyDatabase: 'Neo.ClientError.General.ForbiddenOnReadOnlyDatabase',
  DatabaseUnavailable: 'Neo.TransientError.General.DatabaseUnavailable',
  Terminated: 'Neo.TransientError.Transaction.Terminated',
  /**
   * A commit that cannot be made durable: the WAL failed (a full disk, an I/O error), so
   * writes are refused until a restart. Not transient: retrying does not help.
   */
  CommitFailed: 'Neo.DatabaseError.Transaction.TransactionCommitFailed',
  /** Memgraph's code for a failure of the database rather than the query (a snapshot that could not be written). */
  MemgraphDatabaseError: 'Memgraph.DatabaseError.MemgraphError.MemgraphError',
  DatabaseError: 'Neo.DatabaseError.General.UnknownError',
} as const;

export type ErrorCode = (typeof Codes)[keyof typeof Codes];

export class MghaError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MghaError';
  }
}

export function syntaxError(message: string, line: number, column: number): MghaError {
  return new MghaError(Codes.SyntaxError, `${message} (line ${line}, column ${column})`);
}

export function semanticError(message: string): MghaError {
  return new MghaError(Codes.SemanticError, message);
}

export function typeError(message: string): MghaError {
  return new MghaError(Codes.TypeError, message);
}

export function argumentError(message: string): MghaError {
  return new MghaError(Codes.ArgumentError, message);
}

/** Any thrown thing as an MghaError; non-MghaErrors are internal bugs, reported as DatabaseError. */
export function toMghaError(e: unknown): MghaError {
  if (e instanceof MghaError) return e;
  if (e instanceof RangeError && /Maximum call stack/.test(e.message)) {
    // Deeply nested values or expressions, not arithmetic: say so, as a client error.
    return new MghaError(Codes.MemgraphClientError, 'The query is nested too deeply to run (the call stack overflowed).');
  }
  if (e instanceof RangeError && /BigInt/.test(e.message)) return new MghaError(Codes.ArithmeticError, e.message);
  const message = e instanceof Error ? e.message : String(e);
  return new MghaError(Codes.DatabaseError, message);
}
