package pgerror

// SQLSTATE codes this package and its callers produce, named after
// PostgreSQL's condition names (Appendix A of its manual). Clients branch
// on them: 40001 is retried, class 23 becomes an integrity error, class 08
// and 57P0x make pools drop the connection.
const (
	SuccessfulCompletion   = "00000"
	ActiveSQLTransaction   = "25001" // a warning: BEGIN inside a transaction
	NoActiveSQLTransaction = "25P01" // a warning: COMMIT outside a transaction

	ConnectionException          = "08000"
	ConnectionFailure            = "08006"
	TransactionResolutionUnknown = "08007"
	ProtocolViolation            = "08P01"

	FeatureNotSupported = "0A000"

	InvalidTransactionState       = "25000"
	ReadOnlySQLTransaction        = "25006"
	InFailedSQLTransaction        = "25P02"
	InvalidSavepointSpecification = "3B001"
	InvalidSchemaName             = "3F000"
	InvalidCatalogName            = "3D000"

	DataException               = "22000"
	StringDataRightTruncation   = "22001"
	NumericValueOutOfRange      = "22003"
	InvalidDatetimeFormat       = "22007"
	DatetimeFieldOverflow       = "22008"
	DivisionByZero              = "22012"
	CharacterNotInRepertoire    = "22021"
	InvalidParameterValue       = "22023"
	InvalidEscapeSequence       = "22025"
	InvalidTextRepresentation   = "22P02"
	InvalidBinaryRepresentation = "22P03"

	IntegrityConstraintViolation = "23000"
	NotNullViolation             = "23502"
	ForeignKeyViolation          = "23503"
	UniqueViolation              = "23505"
	CheckViolation               = "23514"

	TransactionRollback  = "40000"
	SerializationFailure = "40001"
	DeadlockDetected     = "40P01"

	SyntaxErrorOrAccessRuleViolation = "42000"
	SyntaxError                      = "42601"
	InsufficientPrivilege            = "42501"
	GroupingError                    = "42803"
	DatatypeMismatch                 = "42804"
	UndefinedColumn                  = "42703"
	AmbiguousColumn                  = "42702"
	UndefinedFunction                = "42883"
	UndefinedTable                   = "42P01"
	UndefinedParameter               = "42P02"
	UndefinedObject                  = "42704"
	DuplicateObject                  = "42710"
	DuplicateTable                   = "42P07"
	DuplicatePreparedStatement       = "42P05"
	IndeterminateDatatype            = "42P18"
	InvalidColumnReference           = "42P10"
	InvalidTableDefinition           = "42P16"
	InvalidForeignKey                = "42830"

	ProgramLimitExceeded = "54000"
	StatementTooComplex  = "54001"
	TooManyColumns       = "54011"
	TooManyArguments     = "54023"

	ObjectNotInPrerequisiteState = "55000"

	InsufficientResources = "53000"
	DiskFull              = "53100"
	OutOfMemory           = "53200"

	QueryCanceled    = "57014"
	AdminShutdown    = "57P01"
	CannotConnectNow = "57P03"

	IOError = "58030"

	InvalidSQLStatementName = "26000"
	InvalidCursorName       = "34000"

	InvalidAuthorizationSpecification = "28000"
	InvalidPassword                   = "28P01"

	RaiseException = "P0001"

	InternalError = "XX000"
	DataCorrupted = "XX001"
)
