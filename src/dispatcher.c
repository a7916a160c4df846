/*
 * wedopt: the dispatcher of admin statements that cannot run in a transaction.
 *
 * VACUUM and the CONCURRENTLY statements refuse to run inside a function, and a
 * dblink loopback deadlocks a concurrent build against its caller's snapshot
 * (DESIGN.md). execute_admin_sql() therefore queues them in wedopt.action_log and
 * calls wedopt._dispatch_start(), which registers a dynamic background worker:
 *
 *   1. the worker connects to the caller's database as the caller's login role and
 *      takes the role that queued the action (SET ROLE, checked by the server as for
 *      any session), so the statement never runs as a superuser it did not come from;
 *   2. it waits for the enqueuing transaction to end (XactLockTableWait) and stops
 *      if that transaction rolled back;
 *   3. in a loop, it asks wedopt._action_next_step(id) for the next statement (that
 *      function re-checks ownership and policy at execution time, under the
 *      recorded search_path and lock_timeout), runs it as a top-level command in its
 *      own transaction (as exec_simple_query does; VACUUM and CREATE INDEX
 *      CONCURRENTLY manage their own transactions from there), and reports the
 *      outcome to wedopt._action_step_done(), which says whether to go on, retry
 *      after a backoff, or stop.
 *
 * wedopt._action_log_autonomous(row jsonb) writes an action_log row that must
 * survive the caller's error (a refusal, a failed statement): the row goes through
 * a dynamic shared memory segment to a short-lived worker that inserts it in its own
 * transaction; the caller waits for it at most a few seconds.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "parser/analyze.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lmgr.h"
#include "storage/procarray.h"
#include "tcop/pquery.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/portal.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(wedopt_dispatch_start);
PG_FUNCTION_INFO_V1(wedopt_action_log_autonomous);

PGDLLEXPORT void wedopt_dispatch_main(Datum main_arg);
PGDLLEXPORT void wedopt_log_main(Datum main_arg);

/* What a dispatcher worker is told, in bgw_extra. */
typedef struct DispatchArgs
{
	Oid			database;
	Oid			login_role;		/* connects as this role (the caller's session user) */
	Oid			run_role;		/* and runs as this one (the caller's current_user) */
	TransactionId xid;			/* the enqueuing transaction; invalid: none to wait for */
} DispatchArgs;

typedef struct LogArgs
{
	Oid			database;
	dsm_handle	handle;
} LogArgs;

/* wedopt's schema: fixed by its control file (schema = wedopt, relocatable = false). */
static char *
wedopt_schema(void)
{
	if (!OidIsValid(get_extension_oid("wedopt", true)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("wedopt: the extension is not installed in this database"),
				 errhint("CREATE EXTENSION wedopt CASCADE;")));
	return pstrdup("wedopt");
}

static void
fill_worker(BackgroundWorker *worker, const char *function, const char *name)
{
	memset(worker, 0, sizeof(BackgroundWorker));
	worker->bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker->bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker->bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(worker->bgw_library_name, BGW_MAXLEN, "wedopt_c");
	snprintf(worker->bgw_function_name, BGW_MAXLEN, "%s", function);
	snprintf(worker->bgw_name, BGW_MAXLEN, "%s", name);
	snprintf(worker->bgw_type, BGW_MAXLEN, "wedopt dispatcher");
}

/* wedopt._dispatch_start(action_id, login_role, run_role) -> whether a worker was registered */
Datum
wedopt_dispatch_start(PG_FUNCTION_ARGS)
{
	BackgroundWorker worker;
	BackgroundWorkerHandle *handle;
	DispatchArgs args;
	int64		action_id;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("wedopt: _dispatch_start() needs an action id"),
				 errhint("Pass the id of a queued action.")));
	action_id = PG_GETARG_INT64(0);
	memset(&args, 0, sizeof(args));
	args.database = MyDatabaseId;
	/* A caller starts a worker as itself; only a superuser (the pg_cron job) names other roles. */
	args.login_role = GetSessionUserId();
	args.run_role = GetUserId();
	if (!PG_ARGISNULL(1) || !PG_ARGISNULL(2))
	{
		if (!superuser())
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("wedopt: only a superuser may start a dispatcher worker for another role"),
					 errhint("Call wedopt._dispatch_start(action_id) to run your own action.")));
		if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("wedopt: name both the login role and the role to run as"),
					 errhint("Pass both role OIDs, or neither.")));
		args.login_role = PG_GETARG_OID(1);
		args.run_role = PG_GETARG_OID(2);
	}
	args.xid = GetTopTransactionIdIfAny();

	fill_worker(&worker, "wedopt_dispatch_main", psprintf("wedopt dispatcher action " INT64_FORMAT, action_id));
	worker.bgw_main_arg = Int64GetDatum(action_id);
	StaticAssertStmt(sizeof(DispatchArgs) <= BGW_EXTRALEN, "DispatchArgs fits bgw_extra");
	memcpy(worker.bgw_extra, &args, sizeof(args));
	worker.bgw_notify_pid = 0;
	PG_RETURN_BOOL(RegisterDynamicBackgroundWorker(&worker, &handle));
}

/* One statement as a top-level command in its own transaction, as exec_simple_query runs it. */
static void
run_top_level(const char *sql, MemoryContext step_context)
{
	List	   *parsetrees;
	RawStmt    *parsetree;
	List	   *querytrees;
	List	   *plantrees;
	Portal		portal;
	DestReceiver *receiver;
	QueryCompletion qc;
	bool		snapshot_set = false;
	MemoryContext old;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	debug_query_string = sql;
	pgstat_report_activity(STATE_RUNNING, sql);
	old = MemoryContextSwitchTo(step_context);

	parsetrees = pg_parse_query(sql);
	if (list_length(parsetrees) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("wedopt: the dispatcher refuses a step of %d statements", list_length(parsetrees)),
				 errhint("Nothing was run. This is a wedopt bug: report the action.")));
	parsetree = linitial_node(RawStmt, parsetrees);
	if (analyze_requires_snapshot(parsetree))
	{
		PushActiveSnapshot(GetTransactionSnapshot());
		snapshot_set = true;
	}
	querytrees = pg_analyze_and_rewrite_fixedparams(parsetree, sql, NULL, 0, NULL);
	plantrees = pg_plan_queries(querytrees, sql, CURSOR_OPT_PARALLEL_OK, NULL);
	if (snapshot_set)
		PopActiveSnapshot();

	portal = CreatePortal("", true, true);
	portal->visible = false;
	PortalDefineQuery(portal, NULL, sql, CreateCommandTag(parsetree->stmt), plantrees, NULL);
	PortalStart(portal, NULL, 0, InvalidSnapshot);
	receiver = CreateDestReceiver(DestNone);
	(void) PortalRun(portal, FETCH_ALL, true, true, receiver, receiver, &qc);
	receiver->rDestroy(receiver);
	PortalDrop(portal, false);

	MemoryContextSwitchTo(old);
	CommitTransactionCommand();
	debug_query_string = NULL;
	pgstat_report_activity(STATE_IDLE, NULL);
}

typedef struct NextStep
{
	bool		found;
	int			step_no;
	char	   *statement;
	char	   *search_path;
	char	   *lock_timeout;
} NextStep;

static char *
spi_text(int col, MemoryContext into)
{
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, col, &isnull);
	MemoryContext old;
	char	   *s;

	if (isnull)
		return NULL;
	old = MemoryContextSwitchTo(into);
	s = TextDatumGetCString(d);
	MemoryContextSwitchTo(old);
	return s;
}

/* A short transaction running one wedopt query through SPI. */
static void
begin_spi(void)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	if (SPI_connect() != SPI_OK_CONNECT)
		ereport(ERROR, (errmsg("wedopt: SPI_connect failed")));
	PushActiveSnapshot(GetTransactionSnapshot());
}

static void
end_spi(void)
{
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
}

static NextStep
next_step(const char *schema, int64 action_id, MemoryContext into)
{
	NextStep	step = {false, 0, NULL, NULL, NULL};
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1];
	char	   *query;

	values[0] = Int64GetDatum(action_id);
	query = psprintf("SELECT step_no, statement, search_path, lock_timeout FROM %s._action_next_step($1)",
					 quote_identifier(schema));
	begin_spi();
	if (SPI_execute_with_args(query, 1, argtypes, values, NULL, false, 1) != SPI_OK_SELECT)
		ereport(ERROR, (errmsg("wedopt: _action_next_step() failed")));
	if (SPI_processed == 1 && SPI_tuptable->tupdesc->natts == 4)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		step.step_no = isnull ? 0 : DatumGetInt32(d);
		step.statement = spi_text(2, into);
		step.search_path = spi_text(3, into);
		step.lock_timeout = spi_text(4, into);
		step.found = step.statement != NULL;
	}
	end_spi();
	return step;
}

/* Report a step's outcome; returns the milliseconds to wait before the next call (< 0: stop). */
static int
step_done(const char *schema, int64 action_id, int step_no, bool ok, const char *sqlstate,
		  const char *message)
{
	Oid			argtypes[5] = {INT8OID, INT4OID, BOOLOID, TEXTOID, TEXTOID};
	Datum		values[5];
	char		nulls[5] = {' ', ' ', ' ', ' ', ' '};
	char	   *query;
	int			wait = -1;

	values[0] = Int64GetDatum(action_id);
	values[1] = Int32GetDatum(step_no);
	values[2] = BoolGetDatum(ok);
	if (sqlstate)
		values[3] = CStringGetTextDatum(sqlstate);
	else
		nulls[3] = 'n';
	if (message)
		values[4] = CStringGetTextDatum(message);
	else
		nulls[4] = 'n';
	query = psprintf("SELECT %s._action_step_done($1, $2, $3, $4, $5)", quote_identifier(schema));
	begin_spi();
	if (SPI_execute_with_args(query, 5, argtypes, values, nulls, false, 1) == SPI_OK_SELECT &&
		SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		wait = isnull ? -1 : DatumGetInt32(d);
	}
	end_spi();
	return wait;
}

static void
set_session_setting(const char *name, const char *value)
{
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		values[2];

	values[0] = CStringGetTextDatum(name);
	values[1] = CStringGetTextDatum(value);
	begin_spi();
	if (SPI_execute_with_args("SELECT pg_catalog.set_config($1, $2, false)", 2, argtypes, values,
							  NULL, false, 1) != SPI_OK_SELECT)
		ereport(ERROR, (errmsg("wedopt: could not set %s", name)));
	end_spi();
}

/* After an error: its SQLSTATE and message kept, the transaction rolled back. */
static ErrorData *
recover(MemoryContext keep)
{
	ErrorData  *edata;

	HOLD_INTERRUPTS();
	MemoryContextSwitchTo(keep);
	edata = CopyErrorData();
	FlushErrorState();
	AbortOutOfAnyTransaction();
	debug_query_string = NULL;
	pgstat_report_activity(STATE_IDLE, NULL);
	RESUME_INTERRUPTS();
	return edata;
}

/* Static, not a local: it is set inside PG_TRY and read after a longjmp. */
static NextStep step;

void
wedopt_dispatch_main(Datum main_arg)
{
	int64		action_id = DatumGetInt64(main_arg);
	DispatchArgs args;
	MemoryContext keep;
	MemoryContext step_context;
	char	   *schema;
	char	   *run_role;
	bool		committed = true;
	int			rounds = 0;

	memcpy(&args, MyBgworkerEntry->bgw_extra, sizeof(args));
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(args.database, args.login_role, 0);
	pgstat_report_appname("wedopt dispatcher");

	keep = AllocSetContextCreate(TopMemoryContext, "wedopt dispatcher", ALLOCSET_DEFAULT_SIZES);
	step_context = AllocSetContextCreate(TopMemoryContext, "wedopt dispatcher step", ALLOCSET_DEFAULT_SIZES);

	/* The enqueuing transaction first: its row is invisible until it commits. */
	StartTransactionCommand();
	if (TransactionIdIsValid(args.xid))
	{
		XactLockTableWait(args.xid, NULL, NULL, XLTW_None);
		committed = TransactionIdDidCommit(args.xid);
	}
	schema = MemoryContextStrdup(keep, wedopt_schema());
	run_role = GetUserNameFromId(args.run_role, true);
	run_role = run_role ? MemoryContextStrdup(keep, run_role) : NULL;
	CommitTransactionCommand();
	if (!committed)
		proc_exit(0);			/* rolled back: nothing was queued */
	if (run_role == NULL)
	{
		(void) step_done(schema, action_id, 0, false, "42704", "the role that queued the action no longer exists");
		proc_exit(0);
	}

	/* SET ROLE to the role that queued it: the server checks the membership. */
	PG_TRY();
	{
		if (args.run_role != args.login_role)
			set_session_setting("role", run_role);
	}
	PG_CATCH();
	{
		ErrorData  *edata = recover(keep);

		(void) step_done(schema, action_id, 0, false, unpack_sql_state(edata->sqlerrcode), edata->message);
		proc_exit(0);
	}
	PG_END_TRY();

	for (;;)
	{
		ErrorData  *edata = NULL;
		volatile int wait = -1;

		CHECK_FOR_INTERRUPTS();
		if (++rounds > 100000)
		{
			(void) step_done(schema, action_id, 0, false, "54000", "the dispatcher gave up after 100000 rounds");
			break;
		}
		MemoryContextReset(step_context);
		memset(&step, 0, sizeof(step));
		PG_TRY();
		{
			step = next_step(schema, action_id, step_context);
			if (step.found && step.step_no == -2)
			{
				/* An earlier action on the same table is open: ask again in a moment. */
				(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 200, PG_WAIT_EXTENSION);
				ResetLatch(MyLatch);
			}
			else if (step.found)
			{
				if (step.search_path)
					set_session_setting("search_path", step.search_path);
				if (step.lock_timeout)
					set_session_setting("lock_timeout", step.lock_timeout);
				run_top_level(step.statement, step_context);
			}
		}
		PG_CATCH();
		{
			edata = recover(keep);
		}
		PG_END_TRY();
		if (!step.found && edata == NULL)
			break;				/* nothing left to do */
		if (step.found && step.step_no == -2 && edata == NULL)
			continue;
		PG_TRY();
		{
			if (edata != NULL)
				wait = step_done(schema, action_id, step.step_no, false,
								 unpack_sql_state(edata->sqlerrcode), edata->message);
			else
				wait = step_done(schema, action_id, step.step_no, true, NULL, NULL);
		}
		PG_CATCH();
		{
			ErrorData  *again = recover(keep);

			elog(LOG, "wedopt dispatcher: could not record the outcome of action " INT64_FORMAT ": %s",
				 action_id, again->message);
			wait = -1;
		}
		PG_END_TRY();
		if (edata != NULL)
			FreeErrorData(edata);
		if (wait < 0)
			break;
		if (wait > 0)
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, wait, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
	proc_exit(0);
}

/* wedopt._action_log_autonomous(row text) -> whether a worker wrote the row */
Datum
wedopt_action_log_autonomous(PG_FUNCTION_ARGS)
{
	char	   *row;
	Size		len;
	dsm_segment *seg;
	BackgroundWorker worker;
	BackgroundWorkerHandle *handle;
	LogArgs		args;
	pid_t		pid;
	TimestampTz deadline;
	BgwHandleStatus status = BGWH_NOT_YET_STARTED;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("wedopt: _action_log_autonomous() needs a row"),
				 errhint("Pass the action_log row as jsonb text.")));
	row = text_to_cstring(PG_GETARG_TEXT_PP(0));
	len = strlen(row) + 1;

	/* The segment outlives this backend's mapping until the worker unpins it. */
	seg = dsm_create(len, 0);
	memcpy(dsm_segment_address(seg), row, len);
	dsm_pin_segment(seg);
	args.database = MyDatabaseId;
	args.handle = dsm_segment_handle(seg);

	fill_worker(&worker, "wedopt_log_main", "wedopt action log writer");
	StaticAssertStmt(sizeof(LogArgs) <= BGW_EXTRALEN, "LogArgs fits bgw_extra");
	memcpy(worker.bgw_extra, &args, sizeof(args));
	worker.bgw_notify_pid = MyProcPid;
	if (!RegisterDynamicBackgroundWorker(&worker, &handle))
	{
		dsm_unpin_segment(args.handle);
		dsm_detach(seg);
		ereport(WARNING,
				(errmsg("wedopt: no background worker free to log an action; the row was: %s", row),
				 errhint("Raise max_worker_processes.")));
		PG_RETURN_BOOL(false);
	}
	/* Wait a little for it, so that the row is there when the caller sees the error. */
	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), 5000);
	for (;;)
	{
		status = GetBackgroundWorkerPid(handle, &pid);
		if (status == BGWH_STOPPED || status == BGWH_POSTMASTER_DIED ||
			GetCurrentTimestamp() >= deadline)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 10, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
	dsm_detach(seg);
	PG_RETURN_BOOL(status == BGWH_STOPPED);
}

void
wedopt_log_main(Datum main_arg)
{
	LogArgs		args;
	dsm_segment *seg;
	char	   *row;
	char	   *schema;
	Oid			argtypes[1] = {TEXTOID};
	Datum		values[1];

	memcpy(&args, MyBgworkerEntry->bgw_extra, sizeof(args));
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	/* No user: the bootstrap superuser, which owns wedopt's tables; it runs no caller SQL. */
	BackgroundWorkerInitializeConnectionByOid(args.database, InvalidOid, 0);
	pgstat_report_appname("wedopt action log writer");

	seg = dsm_attach(args.handle);
	if (seg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("wedopt: the action to log is gone"),
				 errhint("The caller stopped waiting; nothing was logged.")));
	row = MemoryContextStrdup(TopMemoryContext, (char *) dsm_segment_address(seg));
	dsm_unpin_segment(args.handle);
	dsm_detach(seg);

	begin_spi();
	schema = wedopt_schema();
	values[0] = CStringGetTextDatum(row);
	if (SPI_execute_with_args(psprintf("SELECT %s._action_log_insert($1::jsonb)", quote_identifier(schema)),
							  1, argtypes, values, NULL, false, 1) != SPI_OK_SELECT)
		ereport(ERROR, (errmsg("wedopt: _action_log_insert() failed")));
	end_spi();
	proc_exit(0);
}
